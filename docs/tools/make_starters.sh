#!/bin/sh
# Regenerates every starter in docs/exercises/ from its solution in docs/solutions/.
# Run it after changing a solution, from anywhere: sh docs/tools/make_starters.sh
# Each line names the functions whose bodies the student writes, and the TODO text they see.
set -eu
cd "$(dirname "$0")/.."
starters=""
make() {
    path=$1; shift
    python3 tools/make_starter.py "solutions/$path" "exercises/$path" "$@"
    starters="$starters exercises/$path"
}

make 01_threads/ex01_map.rs download_many='This is the sequential loop of flags-sequential:
    let agent = http_agent(REQUEST_TIMEOUT);
    let mut codes = Vec::new();
    for cc in job.sorted_codes() {
        download_one(&agent, job, &cc)?;
        codes.push(cc);
    }
    Ok(codes)
Run the downloads on `executor` with `executor.map(...)` instead. The closure you give
`map` must own what it uses: share the job through an `Arc`.'

make 02_futures/ex02_as_completed.rs report_as_completed='Loop over `as_completed(futures, None)`. For each future build the line
"[done/total] CC saved" or "[done/total] failed: <error>", count it in the tally, and
call `on_line(line)`.'

make 02_futures/ex03_cancel_on_error.rs download_until_error='Submit one task per code (share `fetch` through an `Arc`), then watch the futures
with `as_completed`. At the first failure, cancel every future and count the cancels
that succeeded.'

make 03_errors/ex04_retry_backoff.rs \
    is_retryable='Match on the error: which HTTP statuses, and which other kinds, deserve another try?' \
    retry='Call `attempt()` in a loop. Stop on success, on a permanent error, or after
`policy.max_attempts` tries; otherwise `sleep(delay)` and double the delay, capped at
`policy.max_delay`.'

make 04_async/ex05_semaphore.rs download_limited='Today every download would start at once:
    join_all(codes.into_iter().map(|cc| fetch(cc))).await
Create a `Semaphore` with `limit` permits and make each download hold a permit while it runs.'

make 04_async/ex06_executor_bridge.rs fetch_on_pool='Calling `fetch(&cc)` here would block the runtime thread. Submit each call to `pool`
instead, and `.await` the futures you get back (all together, with `join_all`).'

make 05_cpu/ex07_primes_threads.rs \
    is_prime='Trial division: try the divisors up to the square root of `n`.' \
    check_on_pool='Use `executor.map` so that `check` runs for every number on the pool, in input order.'

make 06_inside/ex08_first_exception.rs \
    failed='A failed future is finished and holds an exception; look without waiting.' \
    wait_first_exception='Give every future a done-callback that sends its index down an `mpsc` channel.
Receive indices until one belongs to a failed future, or all have arrived.
Then split the futures into `done` and `not_done`.'

make 06_inside/ex09_condvar_future.rs \
    set_result='Store the value unless there is one already, and wake the waiters.' \
    done='Is there a value in the slot?' \
    result='Wait on `ready` until the slot holds a value (or the timeout passes), then clone it.'

make 06_inside/ex10_tiny_executor.rs \
    submit_closure='Create the future and its completer with `new_future()`. Wrap the task in a `Job`
that calls `set_running_or_notify_cancel`, runs the task under `catch_unwind`, and reports
with `set_result` or `set_exception`. Send the job to the worker, or fail with
`SubmitError::Shutdown`.' \
    shutdown='Drop the sender so the worker loop ends, remember `cancel_futures` for the jobs
still queued, and join the worker when `wait` is true.'

make 07_flags3/ex11_hostile_server.rs \
    country_name='GET the metadata URL and check the status. Read the body chunk by chunk, refusing
more than `limit` bytes. Parse it with `serde_json`, take the "country" string, and refuse it
if `flags_async::flags3::country_file_name` does.' \
    download_with_name='First the name with `country_name`, then the image with `flags_async::get_flag`.'

# Builds the starters and silences the warnings their `todo!()`s cause (see make_starter.py).
python3 tools/make_starter.py --quiet $starters

echo "starters regenerated"
