//! What one firedrill instance tells the others sharing its PostgreSQL database, through
//! `LISTEN`/`NOTIFY` on one channel: sent inside the writer's transaction, so delivered when
//! (and only if) the change commits. Each payload starts with the sending store's instance name,
//! so an instance ignores its own.

/// A change made by another instance that this one's clients or caches must hear of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// An interview event was stored: live streams of the interview here get it.
    Event { interview: i64, seq: i64 },
    /// The candidate's notes of an interview were saved.
    Notes { interview: i64 },
    /// A session ended, a password or a role changed, or the secret was renewed: sessions read
    /// from memory must be read again.
    Sessions,
    /// A learner's investigation changed (a command, a hint, one adopted at sign-in).
    Investigations,
    /// This instance lost its connection to the other instances' notifications for a while and
    /// may have missed some: live streams read what they missed from the database.
    Resync,
}

/// The `NOTIFY` channel.
pub(super) const CHANNEL: &str = "firedrill_changes";

impl Change {
    /// The notification's text: `INSTANCE KIND [NUMBERS]`.
    pub(super) fn payload(&self, instance: &str) -> String {
        match self {
            Change::Event { interview, seq } => format!("{instance} event {interview} {seq}"),
            Change::Notes { interview } => format!("{instance} notes {interview}"),
            Change::Sessions => format!("{instance} sessions"),
            Change::Investigations => format!("{instance} investigations"),
            Change::Resync => format!("{instance} resync"),
        }
    }

    /// The sender's instance name and the change; `None` for a payload this build does not
    /// know (from a newer instance during a rolling upgrade: ignored).
    pub(super) fn parse(payload: &str) -> Option<(&str, Change)> {
        let mut words = payload.split(' ');
        let (instance, kind) = (words.next()?, words.next()?);
        let mut number = || words.next()?.parse::<i64>().ok();
        let change = match kind {
            "event" => {
                let (interview, seq) = (number()?, number()?);
                Change::Event { interview, seq }
            }
            "notes" => Change::Notes {
                interview: number()?,
            },
            "sessions" => Change::Sessions,
            "investigations" => Change::Investigations,
            "resync" => Change::Resync,
            _ => return None,
        };
        Some((instance, change))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_read_back_as_the_change_and_its_sender() {
        for change in [
            Change::Event {
                interview: 7,
                seq: 12,
            },
            Change::Notes { interview: 3 },
            Change::Sessions,
            Change::Investigations,
            Change::Resync,
        ] {
            let payload = change.payload("a1b2");
            assert_eq!(Change::parse(&payload), Some(("a1b2", change)), "{payload}");
        }
        assert_eq!(Change::parse("a1b2 event 7"), None);
        assert_eq!(Change::parse("a1b2 event x 1"), None);
        assert_eq!(Change::parse("a1b2 something-new 1"), None);
    }
}
