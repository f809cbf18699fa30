use std::net::IpAddr;

use actix_web::http::header::USER_AGENT;
use actix_web::HttpRequest;
use domain::auth::ClientInfo;

/// The client's address and user agent. `X-Forwarded-For` is believed only when the
/// peer is a trusted proxy, and then only as far back as the proxies we trust: the
/// rightmost address not our own is the client (earlier entries can be forged).
pub fn client_info(request: &HttpRequest, trusted_proxies: &[IpAddr]) -> ClientInfo {
    let peer = request.peer_addr().map(|address| address.ip());
    let ip = match peer {
        Some(peer) if trusted_proxies.contains(&peer) => {
            forwarded_client(request, trusted_proxies).or(Some(peer))
        }
        other => other,
    };
    let user_agent = request
        .headers()
        .get(USER_AGENT)
        .and_then(|value| value.to_str().ok())
        .map(|agent| agent.chars().take(512).collect());
    ClientInfo {
        ip: ip.map(|ip| ip.to_string()),
        user_agent,
    }
}

fn forwarded_client(request: &HttpRequest, trusted_proxies: &[IpAddr]) -> Option<IpAddr> {
    let chain: Vec<IpAddr> = request
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .filter_map(|entry| entry.trim().parse().ok())
        .collect();
    chain
        .iter()
        .rev()
        .find(|address| !trusted_proxies.contains(address))
        .or(chain.first())
        .copied()
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    fn ip_of(peer: &str, forwarded: Option<&str>, trusted: &[&str]) -> Option<String> {
        let mut request = TestRequest::default().peer_addr(format!("{peer}:4000").parse().unwrap());
        if let Some(forwarded) = forwarded {
            request = request.insert_header(("x-forwarded-for", forwarded));
        }
        let trusted: Vec<IpAddr> = trusted.iter().map(|ip| ip.parse().unwrap()).collect();
        client_info(&request.to_http_request(), &trusted).ip
    }

    #[test]
    fn forwarded_for_is_believed_only_from_a_trusted_proxy() {
        assert_eq!(
            ip_of("203.0.113.9", Some("198.51.100.1"), &[]).as_deref(),
            Some("203.0.113.9")
        );
        assert_eq!(
            ip_of("10.0.0.2", Some("198.51.100.1"), &["10.0.0.2"]).as_deref(),
            Some("198.51.100.1")
        );
    }

    #[test]
    fn a_forged_leftmost_entry_is_ignored() {
        let forwarded = "1.2.3.4, 198.51.100.1, 10.0.0.3";
        assert_eq!(
            ip_of("10.0.0.2", Some(forwarded), &["10.0.0.2", "10.0.0.3"]).as_deref(),
            Some("198.51.100.1")
        );
    }
}
