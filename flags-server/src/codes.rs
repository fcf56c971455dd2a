//! The country codes the chapter downloads: `POP20_CC` from `flags.py` and the 194 codes the
//! flag site serves (the twin of the book's `country_codes.txt`).

use crate::countries::COUNTRIES;

/// The 20 most populous countries, in the order `flags.py` lists them.
///
/// ```
/// assert_eq!(flags_server::codes::POP20_CC.len(), 20);
/// assert_eq!(flags_server::codes::POP20_CC[0], "CN");
/// ```
pub const POP20_CC: [&str; 20] = [
    "CN", "IN", "US", "ID", "BR", "PK", "NG", "BD", "RU", "JP", "MX", "PH", "VN", "ET", "EG", "DE",
    "IR", "TR", "CD", "FR",
];

/// The 194 codes the flag site serves, upper case and sorted (what `--all` downloads).
///
/// ```
/// let all = flags_server::codes::all_cc();
/// assert_eq!(all.len(), 194);
/// assert!(all.is_sorted());
/// ```
pub fn all_cc() -> Vec<&'static str> {
    COUNTRIES.iter().map(|c| c.iso_cc).collect()
}
