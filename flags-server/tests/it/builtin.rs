//! The built-in flag server serves the flag site's layout: a GIF and a `metadata.json` for each of
//! the 194 countries, and 404 for everything else, case-sensitive like the real site.

use crate::support::get;
use flags_server::countries::COUNTRIES;
use flags_server::{FlagServer, ServerConfig};

fn start() -> FlagServer {
    FlagServer::start(ServerConfig::default()).expect("start the flag server")
}

#[test]
fn every_country_has_a_decodable_gif() {
    let server = start();
    for country in COUNTRIES {
        let cc = country.iso_cc.to_lowercase();
        let reply = get(server.addr(), &format!("/flags/{cc}/{cc}.gif"));
        assert_eq!(reply.status, 200, "{cc}");
        assert_eq!(reply.header("content-type"), Some("image/gif"), "{cc}");
        let mut decoder = gif::DecodeOptions::new()
            .read_info(reply.body.as_slice())
            .unwrap_or_else(|error| panic!("{cc}.gif is not a GIF: {error}"));
        assert!(decoder.width() > 0 && decoder.height() > 0, "{cc}");
        let frame = decoder
            .read_next_frame()
            .unwrap_or_else(|error| panic!("{cc}.gif has a broken frame: {error}"));
        assert!(frame.is_some(), "{cc}.gif has no image");
    }
}

#[test]
fn every_country_has_metadata_matching_the_table() {
    let server = start();
    for country in COUNTRIES {
        let cc = country.iso_cc.to_lowercase();
        let reply = get(server.addr(), &format!("/flags/{cc}/metadata.json"));
        assert_eq!(reply.status, 200, "{cc}");
        assert_eq!(
            reply.header("content-type"),
            Some("application/json"),
            "{cc}"
        );
        let json: serde_json::Value =
            serde_json::from_slice(&reply.body).expect("metadata is JSON");
        assert_eq!(json["iso_cc"], country.iso_cc);
        assert_eq!(json["tld_cc"], country.tld_cc);
        assert_eq!(json["country"], country.country);
        assert_eq!(json["gec_cc"], country.gec_cc);
    }
}

#[test]
fn metadata_is_formatted_like_the_site() {
    let server = start();
    let china = get(server.addr(), "/flags/cn/metadata.json");
    assert_eq!(
        String::from_utf8_lossy(&china.body),
        r#"{"tld_cc": ".cn", "iso_cc": "CN", "country": "China", "gec_cc": "CH"}"#
    );
    let ivory_coast = get(server.addr(), "/flags/ci/metadata.json");
    assert_eq!(
        String::from_utf8_lossy(&ivory_coast.body),
        r#"{"tld_cc": ".ci", "iso_cc": "CI", "country": "C\u00f4te d'Ivoire", "gec_cc": "IV"}"#
    );
}

#[test]
fn the_same_flag_is_the_same_bytes_every_time() {
    let server = start();
    let first = get(server.addr(), "/flags/br/br.gif");
    let second = get(server.addr(), "/flags/br/br.gif");
    assert_eq!(first.body, second.body);
    assert_eq!(
        first.header("content-length"),
        Some(first.body.len().to_string().as_str())
    );
}

#[test]
fn anything_else_is_not_found() {
    let server = start();
    for target in [
        "/",
        "/flags",
        "/flags/",
        "/flags/cn",
        "/flags/cn/",
        "/flags/CN/CN.gif",
        "/flags/cn/CN.gif",
        "/flags/CN/metadata.json",
        "/flags/xx/xx.gif",
        "/flags/cn/br.gif",
        "/flags/cn/cn.png",
        "/flags/cn/cn.gif/extra",
        "/flags/cnn/cnn.gif",
        "/etc/passwd",
    ] {
        assert_eq!(get(server.addr(), target).status, 404, "{target}");
    }
}

#[test]
fn a_server_on_port_zero_reports_its_real_port() {
    let server = start();
    assert_ne!(server.addr().port(), 0);
    assert_eq!(
        server.base_url(),
        format!("http://127.0.0.1:{}/flags", server.addr().port())
    );
}

#[test]
fn a_busy_port_is_an_error_not_a_panic() {
    let first = start();
    let config = ServerConfig {
        port: first.addr().port(),
        ..ServerConfig::default()
    };
    let error = FlagServer::start(config).expect_err("the port is taken");
    assert_eq!(error.kind(), std::io::ErrorKind::AddrInUse);
    assert!(error.to_string().contains("cannot listen on"), "{error}");
}

#[test]
fn invalid_settings_are_refused_before_starting() {
    let config = ServerConfig {
        error_rate: 1.5,
        ..ServerConfig::default()
    };
    let error = FlagServer::start(config).expect_err("1.5 is not a share");
    assert_eq!(error.kind(), std::io::ErrorKind::InvalidInput);
}
