//! How long the flag server waits before answering: `--delay SECS` or `--delay MIN:MAX`, the twin
//! of the delay `slow_server.py` adds to every request so a local server feels like a remote one.
//!
//! ```
//! use std::time::Duration;
//! use flags_server::Delay;
//!
//! let fixed: Delay = "0.1".parse().unwrap();
//! assert_eq!(fixed, Delay::Fixed(Duration::from_millis(100)));
//!
//! let range: Delay = "0.1:0.3".parse().unwrap();
//! assert_eq!(range, Delay::Uniform { min: Duration::from_millis(100), max: Duration::from_millis(300) });
//!
//! assert!("0.3:0.1".parse::<Delay>().is_err());
//! ```

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use rand::Rng;

/// The longest delay accepted on a command line. Anything longer is surely a typo, and a bound
/// keeps every delay comfortably inside the range of `Duration` arithmetic.
pub const MAX_DELAY: Duration = Duration::from_secs(3600);

/// How long to wait before answering each request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Delay {
    /// Answer at once.
    #[default]
    None,
    /// Wait exactly this long.
    Fixed(Duration),
    /// Wait a time chosen uniformly in `[min, max]`, afresh for every request.
    Uniform {
        /// The shortest wait.
        min: Duration,
        /// The longest wait.
        max: Duration,
    },
}

impl Delay {
    /// Picks the wait for one request. Only [`Delay::Uniform`] uses the random number generator.
    ///
    /// A `Uniform` built by hand with `min > max` is read as the range between the two rather
    /// than panicking: parsing refuses that case, but the fields are public.
    pub fn sample(&self, rng: &mut impl Rng) -> Duration {
        match *self {
            Delay::None => Duration::ZERO,
            Delay::Fixed(wait) => wait,
            Delay::Uniform { min, max } => {
                let (low, high) = if min <= max { (min, max) } else { (max, min) };
                // Whole nanoseconds keep the draw exact; u64 nanoseconds cover 584 years.
                let low = u64::try_from(low.as_nanos()).unwrap_or(u64::MAX);
                let high = u64::try_from(high.as_nanos()).unwrap_or(u64::MAX);
                Duration::from_nanos(rng.random_range(low..=high))
            }
        }
    }
}

/// Why a `--delay` value was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DelayParseError {
    /// The text is not a number of seconds.
    #[error("delay {0:?} is not a number of seconds (try 0.5, or a range such as 0.1:0.3)")]
    NotANumber(String),
    /// The number is negative, infinite or longer than [`MAX_DELAY`].
    #[error("delay {0:?} is out of range: use a number of seconds from 0 to 3600")]
    OutOfRange(String),
    /// `MIN:MAX` with `MIN` greater than `MAX`.
    #[error("delay range {min}:{max} is backwards: write the shorter delay first")]
    Backwards {
        /// The first number as written.
        min: String,
        /// The second number as written.
        max: String,
    },
}

impl FromStr for Delay {
    type Err = DelayParseError;

    /// Parses `SECS` (a fixed delay) or `MIN:MAX` (uniform in that range). Zero means no delay,
    /// and a range whose ends are equal is a fixed delay.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let delay = match text.split_once(':') {
            None => Delay::Fixed(parse_seconds(text)?),
            Some((min_text, max_text)) => {
                let min = parse_seconds(min_text)?;
                let max = parse_seconds(max_text)?;
                if min > max {
                    return Err(DelayParseError::Backwards {
                        min: min_text.trim().to_owned(),
                        max: max_text.trim().to_owned(),
                    });
                }
                if min == max {
                    Delay::Fixed(min)
                } else {
                    Delay::Uniform { min, max }
                }
            }
        };
        Ok(match delay {
            Delay::Fixed(Duration::ZERO) => Delay::None,
            other => other,
        })
    }
}

fn parse_seconds(text: &str) -> Result<Duration, DelayParseError> {
    let text = text.trim();
    let seconds: f64 = text
        .parse()
        .map_err(|_| DelayParseError::NotANumber(text.to_owned()))?;
    let out_of_range = || DelayParseError::OutOfRange(text.to_owned());
    // `try_from_secs_f64` refuses negative, NaN and infinite values without panicking.
    let wait = Duration::try_from_secs_f64(seconds).map_err(|_| out_of_range())?;
    if wait > MAX_DELAY {
        return Err(out_of_range());
    }
    Ok(wait)
}

/// Prints the delay the way [`FromStr`] reads it (`0`, `0.1`, `0.1:0.3`), so a banner or a log
/// line can be pasted back onto a command line.
impl fmt::Display for Delay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Delay::None => write!(f, "0"),
            Delay::Fixed(wait) => write!(f, "{}", wait.as_secs_f64()),
            Delay::Uniform { min, max } => {
                write!(f, "{}:{}", min.as_secs_f64(), max.as_secs_f64())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha12Rng;

    fn ms(millis: u64) -> Duration {
        Duration::from_millis(millis)
    }

    #[test]
    fn one_number_is_a_fixed_delay() {
        assert_eq!("0.5".parse(), Ok(Delay::Fixed(ms(500))));
        assert_eq!(" 2 ".parse(), Ok(Delay::Fixed(ms(2000))));
    }

    #[test]
    fn two_numbers_are_a_uniform_range() {
        assert_eq!(
            "0.5:5".parse(),
            Ok(Delay::Uniform {
                min: ms(500),
                max: ms(5000)
            })
        );
    }

    #[test]
    fn zero_means_no_delay_and_equal_ends_mean_fixed() {
        assert_eq!("0".parse(), Ok(Delay::None));
        assert_eq!("0:0".parse(), Ok(Delay::None));
        assert_eq!("0.2:0.2".parse(), Ok(Delay::Fixed(ms(200))));
    }

    #[test]
    fn bad_delays_are_refused_with_a_reason() {
        assert!(matches!(
            "fast".parse::<Delay>(),
            Err(DelayParseError::NotANumber(_))
        ));
        assert!(matches!(
            "".parse::<Delay>(),
            Err(DelayParseError::NotANumber(_))
        ));
        assert!(matches!(
            "0.1:".parse::<Delay>(),
            Err(DelayParseError::NotANumber(_))
        ));
        for out_of_range in ["-1", "NaN", "inf", "3601", "0:1e9"] {
            assert!(
                matches!(
                    out_of_range.parse::<Delay>(),
                    Err(DelayParseError::OutOfRange(_))
                ),
                "{out_of_range}"
            );
        }
        let backwards = "5:0.5".parse::<Delay>().unwrap_err();
        assert_eq!(
            backwards.to_string(),
            "delay range 5:0.5 is backwards: write the shorter delay first"
        );
    }

    #[test]
    fn display_round_trips_through_parse() {
        for text in ["0", "0.1", "0.1:0.3", "2.5:5"] {
            let delay: Delay = text.parse().unwrap();
            assert_eq!(delay.to_string(), text);
        }
    }

    #[test]
    fn uniform_samples_stay_in_range_even_when_built_backwards() {
        let mut rng = ChaCha12Rng::seed_from_u64(7);
        let backwards = Delay::Uniform {
            min: ms(300),
            max: ms(100),
        };
        for _ in 0..1000 {
            let wait = backwards.sample(&mut rng);
            assert!((ms(100)..=ms(300)).contains(&wait), "{wait:?}");
        }
    }
}
