//! The metadata of the 194 countries the flag site serves: the twin of its `metadata.json` files.
//!
//! The built-in server answers `/flags/{cc}/metadata.json` from this table, so a download of
//! metadata (as the chapter's later scripts do) works offline. The names follow the flag site's own
//! spelling (e.g. "Korea, South"), which is not always today's official short name; the GEC codes are
//! the CIA World Factbook's. Try it with `cargo test -p flags-server --lib countries`.

use serde::Serialize;

/// One country as the flag site describes it in `metadata.json`.
///
/// The field order is the order of the keys in the JSON the site serves, and `Serialize` keeps it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Country {
    /// The country's internet top-level domain, with its dot: `".cn"` (the United Kingdom's is `".uk"`).
    pub tld_cc: &'static str,
    /// The ISO 3166-1 alpha-2 code, upper case: `"CN"`.
    pub iso_cc: &'static str,
    /// The name the flag site uses: `"China"`.
    pub country: &'static str,
    /// The CIA World Factbook (GEC) code, which often differs from the ISO code: China is `"CH"`.
    pub gec_cc: &'static str,
}

/// Builds one row of [`COUNTRIES`]; a function keeps the 194 rows short enough to read as a table.
const fn c(
    tld_cc: &'static str,
    iso_cc: &'static str,
    country: &'static str,
    gec_cc: &'static str,
) -> Country {
    Country {
        tld_cc,
        iso_cc,
        country,
        gec_cc,
    }
}

/// The 194 countries, sorted by `iso_cc` (so [`country`] can binary-search).
pub static COUNTRIES: &[Country] = &[
    c(".ad", "AD", "Andorra", "AN"),
    c(".ae", "AE", "United Arab Emirates", "AE"),
    c(".af", "AF", "Afghanistan", "AF"),
    c(".ag", "AG", "Antigua and Barbuda", "AC"),
    c(".al", "AL", "Albania", "AL"),
    c(".am", "AM", "Armenia", "AM"),
    c(".ao", "AO", "Angola", "AO"),
    c(".ar", "AR", "Argentina", "AR"),
    c(".at", "AT", "Austria", "AU"),
    c(".au", "AU", "Australia", "AS"),
    c(".az", "AZ", "Azerbaijan", "AJ"),
    c(".ba", "BA", "Bosnia and Herzegovina", "BK"),
    c(".bb", "BB", "Barbados", "BB"),
    c(".bd", "BD", "Bangladesh", "BG"),
    c(".be", "BE", "Belgium", "BE"),
    c(".bf", "BF", "Burkina Faso", "UV"),
    c(".bg", "BG", "Bulgaria", "BU"),
    c(".bh", "BH", "Bahrain", "BA"),
    c(".bi", "BI", "Burundi", "BY"),
    c(".bj", "BJ", "Benin", "BN"),
    c(".bn", "BN", "Brunei Darussalam", "BX"),
    c(".bo", "BO", "Bolivia", "BL"),
    c(".br", "BR", "Brazil", "BR"),
    c(".bs", "BS", "Bahamas", "BF"),
    c(".bt", "BT", "Bhutan", "BT"),
    c(".bw", "BW", "Botswana", "BC"),
    c(".by", "BY", "Belarus", "BO"),
    c(".bz", "BZ", "Belize", "BH"),
    c(".ca", "CA", "Canada", "CA"),
    c(".cd", "CD", "Congo (Kinshasa)", "CG"),
    c(".cf", "CF", "Central African Republic", "CT"),
    c(".cg", "CG", "Congo (Brazzaville)", "CF"),
    c(".ch", "CH", "Switzerland", "SZ"),
    c(".ci", "CI", "Côte d'Ivoire", "IV"),
    c(".cl", "CL", "Chile", "CI"),
    c(".cm", "CM", "Cameroon", "CM"),
    c(".cn", "CN", "China", "CH"),
    c(".co", "CO", "Colombia", "CO"),
    c(".cr", "CR", "Costa Rica", "CS"),
    c(".cu", "CU", "Cuba", "CU"),
    c(".cv", "CV", "Cape Verde", "CV"),
    c(".cy", "CY", "Cyprus", "CY"),
    c(".cz", "CZ", "Czech Republic", "EZ"),
    c(".de", "DE", "Germany", "GM"),
    c(".dj", "DJ", "Djibouti", "DJ"),
    c(".dk", "DK", "Denmark", "DA"),
    c(".dm", "DM", "Dominica", "DO"),
    c(".dz", "DZ", "Algeria", "AG"),
    c(".ec", "EC", "Ecuador", "EC"),
    c(".ee", "EE", "Estonia", "EN"),
    c(".eg", "EG", "Egypt", "EG"),
    c(".er", "ER", "Eritrea", "ER"),
    c(".es", "ES", "Spain", "SP"),
    c(".et", "ET", "Ethiopia", "ET"),
    c(".fi", "FI", "Finland", "FI"),
    c(".fj", "FJ", "Fiji", "FJ"),
    c(".fm", "FM", "Micronesia", "FM"),
    c(".fr", "FR", "France", "FR"),
    c(".ga", "GA", "Gabon", "GB"),
    c(".uk", "GB", "United Kingdom", "UK"),
    c(".gd", "GD", "Grenada", "GJ"),
    c(".ge", "GE", "Georgia", "GG"),
    c(".gh", "GH", "Ghana", "GH"),
    c(".gm", "GM", "Gambia", "GA"),
    c(".gn", "GN", "Guinea", "GV"),
    c(".gq", "GQ", "Equatorial Guinea", "EK"),
    c(".gr", "GR", "Greece", "GR"),
    c(".gt", "GT", "Guatemala", "GT"),
    c(".gw", "GW", "Guinea-Bissau", "PU"),
    c(".gy", "GY", "Guyana", "GY"),
    c(".hn", "HN", "Honduras", "HO"),
    c(".hr", "HR", "Croatia", "HR"),
    c(".ht", "HT", "Haiti", "HA"),
    c(".hu", "HU", "Hungary", "HU"),
    c(".id", "ID", "Indonesia", "ID"),
    c(".ie", "IE", "Ireland", "EI"),
    c(".il", "IL", "Israel", "IS"),
    c(".in", "IN", "India", "IN"),
    c(".iq", "IQ", "Iraq", "IZ"),
    c(".ir", "IR", "Iran", "IR"),
    c(".is", "IS", "Iceland", "IC"),
    c(".it", "IT", "Italy", "IT"),
    c(".jm", "JM", "Jamaica", "JM"),
    c(".jo", "JO", "Jordan", "JO"),
    c(".jp", "JP", "Japan", "JA"),
    c(".ke", "KE", "Kenya", "KE"),
    c(".kg", "KG", "Kyrgyzstan", "KG"),
    c(".kh", "KH", "Cambodia", "CB"),
    c(".ki", "KI", "Kiribati", "KR"),
    c(".km", "KM", "Comoros", "CN"),
    c(".kn", "KN", "Saint Kitts and Nevis", "SC"),
    c(".kp", "KP", "Korea, North", "KN"),
    c(".kr", "KR", "Korea, South", "KS"),
    c(".kw", "KW", "Kuwait", "KU"),
    c(".kz", "KZ", "Kazakhstan", "KZ"),
    c(".la", "LA", "Laos", "LA"),
    c(".lb", "LB", "Lebanon", "LE"),
    c(".lc", "LC", "Saint Lucia", "ST"),
    c(".li", "LI", "Liechtenstein", "LS"),
    c(".lk", "LK", "Sri Lanka", "CE"),
    c(".lr", "LR", "Liberia", "LI"),
    c(".ls", "LS", "Lesotho", "LT"),
    c(".lt", "LT", "Lithuania", "LH"),
    c(".lu", "LU", "Luxembourg", "LU"),
    c(".lv", "LV", "Latvia", "LG"),
    c(".ly", "LY", "Libya", "LY"),
    c(".ma", "MA", "Morocco", "MO"),
    c(".mc", "MC", "Monaco", "MN"),
    c(".md", "MD", "Moldova", "MD"),
    c(".me", "ME", "Montenegro", "MJ"),
    c(".mg", "MG", "Madagascar", "MA"),
    c(".mh", "MH", "Marshall Islands", "RM"),
    c(".mk", "MK", "Macedonia", "MK"),
    c(".ml", "ML", "Mali", "ML"),
    c(".mm", "MM", "Myanmar", "BM"),
    c(".mn", "MN", "Mongolia", "MG"),
    c(".mr", "MR", "Mauritania", "MR"),
    c(".mt", "MT", "Malta", "MT"),
    c(".mu", "MU", "Mauritius", "MP"),
    c(".mv", "MV", "Maldives", "MV"),
    c(".mw", "MW", "Malawi", "MI"),
    c(".mx", "MX", "Mexico", "MX"),
    c(".my", "MY", "Malaysia", "MY"),
    c(".mz", "MZ", "Mozambique", "MZ"),
    c(".na", "NA", "Namibia", "WA"),
    c(".ne", "NE", "Niger", "NG"),
    c(".ng", "NG", "Nigeria", "NI"),
    c(".ni", "NI", "Nicaragua", "NU"),
    c(".nl", "NL", "Netherlands", "NL"),
    c(".no", "NO", "Norway", "NO"),
    c(".np", "NP", "Nepal", "NP"),
    c(".nr", "NR", "Nauru", "NR"),
    c(".nz", "NZ", "New Zealand", "NZ"),
    c(".om", "OM", "Oman", "MU"),
    c(".pa", "PA", "Panama", "PM"),
    c(".pe", "PE", "Peru", "PE"),
    c(".pg", "PG", "Papua New Guinea", "PP"),
    c(".ph", "PH", "Philippines", "RP"),
    c(".pk", "PK", "Pakistan", "PK"),
    c(".pl", "PL", "Poland", "PL"),
    c(".pt", "PT", "Portugal", "PO"),
    c(".pw", "PW", "Palau", "PS"),
    c(".py", "PY", "Paraguay", "PA"),
    c(".qa", "QA", "Qatar", "QA"),
    c(".ro", "RO", "Romania", "RO"),
    c(".rs", "RS", "Serbia", "RI"),
    c(".ru", "RU", "Russian Federation", "RS"),
    c(".rw", "RW", "Rwanda", "RW"),
    c(".sa", "SA", "Saudi Arabia", "SA"),
    c(".sb", "SB", "Solomon Islands", "BP"),
    c(".sc", "SC", "Seychelles", "SE"),
    c(".sd", "SD", "Sudan", "SU"),
    c(".se", "SE", "Sweden", "SW"),
    c(".sg", "SG", "Singapore", "SN"),
    c(".si", "SI", "Slovenia", "SI"),
    c(".sk", "SK", "Slovakia", "LO"),
    c(".sl", "SL", "Sierra Leone", "SL"),
    c(".sm", "SM", "San Marino", "SM"),
    c(".sn", "SN", "Senegal", "SG"),
    c(".so", "SO", "Somalia", "SO"),
    c(".sr", "SR", "Suriname", "NS"),
    c(".ss", "SS", "South Sudan", "OD"),
    c(".st", "ST", "Sao Tome and Principe", "TP"),
    c(".sv", "SV", "El Salvador", "ES"),
    c(".sy", "SY", "Syria", "SY"),
    c(".sz", "SZ", "Swaziland", "WZ"),
    c(".td", "TD", "Chad", "CD"),
    c(".tg", "TG", "Togo", "TO"),
    c(".th", "TH", "Thailand", "TH"),
    c(".tj", "TJ", "Tajikistan", "TI"),
    c(".tl", "TL", "Timor-Leste", "TT"),
    c(".tm", "TM", "Turkmenistan", "TX"),
    c(".tn", "TN", "Tunisia", "TS"),
    c(".to", "TO", "Tonga", "TN"),
    c(".tr", "TR", "Turkey", "TU"),
    c(".tt", "TT", "Trinidad and Tobago", "TD"),
    c(".tv", "TV", "Tuvalu", "TV"),
    c(".tw", "TW", "Taiwan", "TW"),
    c(".tz", "TZ", "Tanzania", "TZ"),
    c(".ua", "UA", "Ukraine", "UP"),
    c(".ug", "UG", "Uganda", "UG"),
    c(".us", "US", "United States of America", "US"),
    c(".uy", "UY", "Uruguay", "UY"),
    c(".uz", "UZ", "Uzbekistan", "UZ"),
    c(".va", "VA", "Vatican City", "VT"),
    c(".vc", "VC", "Grenadines", "VC"),
    c(".ve", "VE", "Venezuela", "VE"),
    c(".vn", "VN", "Vietnam", "VM"),
    c(".vu", "VU", "Vanuatu", "NH"),
    c(".ws", "WS", "Samoa", "WS"),
    c(".ye", "YE", "Yemen", "YM"),
    c(".za", "ZA", "South Africa", "SF"),
    c(".zm", "ZM", "Zambia", "ZA"),
    c(".zw", "ZW", "Zimbabwe", "ZI"),
];

/// Finds a country by its ISO code, ignoring case.
///
/// ```
/// use flags_server::countries::country;
/// assert_eq!(country("cn").map(|c| c.country), Some("China"));
/// assert_eq!(country("CN"), country("cn"));
/// assert_eq!(country("XX"), None);
/// ```
pub fn country(cc: &str) -> Option<&'static Country> {
    COUNTRIES
        .binary_search_by(|probe| cmp_ignore_ascii_case(probe.iso_cc, cc))
        .ok()
        .map(|index| &COUNTRIES[index])
}

/// Orders `a` against `b` as if both were upper case, without allocating.
fn cmp_ignore_ascii_case(a: &str, b: &str) -> std::cmp::Ordering {
    a.bytes()
        .map(|byte| byte.to_ascii_uppercase())
        .cmp(b.bytes().map(|byte| byte.to_ascii_uppercase()))
}

impl Country {
    /// The body of this country's `metadata.json`, byte for byte as the flag site serves it.
    ///
    /// The site's files were written by Python's `json.dumps` with its defaults: `", "` and
    /// `": "` as separators and every non-ASCII character escaped as `\uXXXX`. `serde_json`
    /// writes compact JSON and keeps UTF-8 as it is, so we format by hand to match the site.
    ///
    /// ```
    /// let cn = flags_server::countries::country("CN").expect("China is in the table");
    /// assert_eq!(
    ///     cn.metadata_json(),
    ///     r#"{"tld_cc": ".cn", "iso_cc": "CN", "country": "China", "gec_cc": "CH"}"#
    /// );
    /// ```
    pub fn metadata_json(&self) -> String {
        let fields = [
            ("tld_cc", self.tld_cc),
            ("iso_cc", self.iso_cc),
            ("country", self.country),
            ("gec_cc", self.gec_cc),
        ];
        let mut json = String::from("{");
        for (index, (key, value)) in fields.into_iter().enumerate() {
            if index > 0 {
                json.push_str(", ");
            }
            push_json_string(&mut json, key);
            json.push_str(": ");
            push_json_string(&mut json, value);
        }
        json.push('}');
        json
    }
}

/// Appends `text` as a JSON string literal the way `json.dumps(ensure_ascii=True)` writes it.
fn push_json_string(out: &mut String, text: &str) {
    out.push('"');
    for ch in text.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            ' '..='~' => out.push(ch),
            _ => {
                // Python escapes by UTF-16 code unit: characters beyond the Basic Multilingual
                // Plane become a surrogate pair, two `\uXXXX` escapes.
                let mut units = [0u16; 2];
                for unit in ch.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_has_194_countries_sorted_by_iso_code_without_duplicates() {
        assert_eq!(COUNTRIES.len(), 194);
        assert!(
            COUNTRIES
                .windows(2)
                .all(|pair| pair[0].iso_cc < pair[1].iso_cc)
        );
    }

    #[test]
    fn every_row_is_well_formed() {
        for c in COUNTRIES {
            assert!(
                c.iso_cc.len() == 2 && c.iso_cc.bytes().all(|b| b.is_ascii_uppercase()),
                "{c:?}"
            );
            assert!(
                c.gec_cc.len() == 2 && c.gec_cc.bytes().all(|b| b.is_ascii_uppercase()),
                "{c:?}"
            );
            assert!(c.tld_cc.len() == 3 && c.tld_cc.starts_with('.'), "{c:?}");
            assert!(!c.country.is_empty(), "{c:?}");
            // Only the United Kingdom's domain is not its ISO code.
            if c.iso_cc != "GB" {
                assert_eq!(c.tld_cc[1..], c.iso_cc.to_ascii_lowercase(), "{c:?}");
            }
        }
    }

    #[test]
    fn lookup_ignores_case_and_rejects_unknown_codes() {
        assert_eq!(country("br").map(|c| c.country), Some("Brazil"));
        assert_eq!(country("Br"), country("BR"));
        for unknown in ["", "X", "XX", "CHN", "zz", "\u{e9}\u{e9}"] {
            assert_eq!(country(unknown), None, "{unknown:?}");
        }
    }

    #[test]
    fn metadata_json_matches_python_json_dumps() {
        let json = |cc| country(cc).map(Country::metadata_json);
        assert_eq!(
            json("CN").as_deref(),
            Some(r#"{"tld_cc": ".cn", "iso_cc": "CN", "country": "China", "gec_cc": "CH"}"#)
        );
        assert_eq!(
            json("GB").as_deref(),
            Some(
                r#"{"tld_cc": ".uk", "iso_cc": "GB", "country": "United Kingdom", "gec_cc": "UK"}"#
            )
        );
        // The one non-ASCII name on the site: ensure_ascii writes the ô as an escape.
        assert_eq!(
            json("ci").as_deref(),
            Some(
                r#"{"tld_cc": ".ci", "iso_cc": "CI", "country": "C\u00f4te d'Ivoire", "gec_cc": "IV"}"#
            )
        );
    }

    #[test]
    fn metadata_json_is_valid_json_with_the_same_fields() {
        for c in COUNTRIES {
            let parsed: serde_json::Value =
                serde_json::from_str(&c.metadata_json()).expect("valid JSON");
            assert_eq!(
                parsed,
                serde_json::to_value(c).expect("serializable"),
                "{c:?}"
            );
        }
    }

    #[test]
    fn json_escapes_quotes_controls_and_astral_characters_like_python() {
        let mut out = String::new();
        push_json_string(&mut out, "a\"b\\c\nd\u{1}\u{1F600}");
        assert_eq!(out, r#""a\"b\\c\nd\u0001\ud83d\ude00""#);
    }
}
