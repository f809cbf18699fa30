use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::DomainError;

/// A node of the cluster, as it describes itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeInfo {
    /// The node's name (`node_id`), as audit events and job runs name it.
    pub name: String,
    pub host: String,
    pub listen_address: String,
    pub process_id: u32,
    pub version: String,
}

/// A node as the registry last heard of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeRecord {
    pub info: NodeInfo,
    pub started_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
}

impl NodeRecord {
    /// A node silent for three heartbeats is taken for gone.
    pub fn is_gone(&self, now: DateTime<Utc>, heartbeat: Duration) -> bool {
        let silence = chrono::Duration::from_std(heartbeat * 3).unwrap_or(chrono::Duration::MAX);
        now - self.last_seen_at > silence
    }
}

/// Where nodes record that they are alive.
///
/// Contract: `heartbeat` creates the node's row (started now) or refreshes its
/// `last_seen_at` (and its description) by the store's clock; `list` answers every node
/// ever seen, most recently seen first, with the store's `now`.
#[async_trait]
pub trait NodeRegistry: Send + Sync {
    async fn heartbeat(&self, node: &NodeInfo) -> Result<(), DomainError>;

    async fn list(&self) -> Result<(Vec<NodeRecord>, DateTime<Utc>), DomainError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_node_silent_for_three_heartbeats_is_gone() {
        let now = Utc::now();
        let node = |seconds_ago: i64| NodeRecord {
            info: NodeInfo {
                name: "node-a".to_owned(),
                host: "h".to_owned(),
                listen_address: "127.0.0.1:8080".to_owned(),
                process_id: 1,
                version: "0.1.0".to_owned(),
            },
            started_at: now,
            last_seen_at: now - chrono::Duration::seconds(seconds_ago),
        };
        let heartbeat = Duration::from_secs(5);
        assert!(!node(14).is_gone(now, heartbeat));
        assert!(node(16).is_gone(now, heartbeat));
    }
}
