/* A stand-in bcryptprimitives.dll for Wine 8, so that Rust programs start under it.
 *
 * Rust's standard library on Windows (since Rust 1.78) gets its random bytes (the HashMap seeds)
 * from ProcessPrng in bcryptprimitives.dll, which every Windows 10+ has. Wine 8, Debian 12's
 * version, has no such DLL: a Rust .exe fails to load and exits at once, silently. This DLL
 * exports ProcessPrng and forwards it to RtlGenRandom (advapi32's SystemFunction036), which
 * Wine does implement. Wine 9 and later ship their own ProcessPrng and do not need it.
 *
 * .ci/windows/setup builds it with mingw-w64 and puts it in the Wine prefix's system32, where
 * every test binary, doctest and program finds it. Nothing here is part of the Rust code.
 */
#include <windows.h>

/* RtlGenRandom's real name; mingw's headers declare it only under a macro, so declare it here. */
BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

/* Same contract as Windows' ProcessPrng: fill `data` with `len` random bytes; it always returns
 * TRUE there. RtlGenRandom takes a ULONG length, so feed it chunks. */
__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
    while (len > 0) {
        ULONG chunk = len > 0x7fffffff ? 0x7fffffff : (ULONG)len;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        len -= chunk;
    }
    return TRUE;
}
