//! A baseline fingerprint as a site keeps it: its hex digits, inline. What is hashed is
//! `crate::fingerprint`'s business.

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// Hex digits in a fingerprint (64 bits).
pub const FINGERPRINT_LEN: usize = 16;

/// A baseline fingerprint: `FINGERPRINT_LEN` lowercase hex digits, kept inline rather than in a
/// `String` (a site has two, and a dense file hundreds of thousands of sites). It reads, and
/// serializes, as its digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fingerprint([u8; FINGERPRINT_LEN]);

impl Fingerprint {
    /// Not a fingerprint yet: a site's is known only once every site of its statement is.
    pub const PENDING: Fingerprint = Fingerprint([b'0'; FINGERPRINT_LEN]);

    /// The fingerprint of a hash: its first `FINGERPRINT_LEN / 2` bytes, in hex.
    pub fn of_digest(digest: &[u8]) -> Fingerprint {
        assert!(
            digest.len() >= FINGERPRINT_LEN / 2,
            "a digest of 64 bits or more"
        );
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut digits = [0; FINGERPRINT_LEN];
        for (pair, b) in digits.chunks_exact_mut(2).zip(digest) {
            pair[0] = HEX[usize::from(b >> 4)];
            pair[1] = HEX[usize::from(b & 15)];
        }
        Fingerprint(digits)
    }

    /// The fingerprint `FINGERPRINT_LEN` lowercase hex digits spell.
    pub fn from_hex(digits: &str) -> Option<Fingerprint> {
        let digits: [u8; FINGERPRINT_LEN] = digits.as_bytes().try_into().ok()?;
        digits
            .iter()
            .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
            .then_some(Fingerprint(digits))
    }

    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).expect("a fingerprint is hex digits")
    }
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Fingerprint {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Fingerprint {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let digits = String::deserialize(deserializer)?;
        Fingerprint::from_hex(&digits).ok_or_else(|| {
            D::Error::custom(format!(
                "`{digits}` is not {FINGERPRINT_LEN} lowercase hex digits"
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_read_as_their_digits() {
        let fingerprint =
            Fingerprint::of_digest(&[0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0xff]);
        assert_eq!(fingerprint.as_str(), "0123456789abcdef");
        assert_eq!(
            Fingerprint::from_hex(fingerprint.as_str()),
            Some(fingerprint)
        );
        assert_eq!(fingerprint.to_string(), fingerprint.as_str());
        assert_eq!(
            serde_json::to_string(&fingerprint).unwrap(),
            format!("\"{fingerprint}\"")
        );
        assert_eq!(Fingerprint::from_hex("0123456789ABCDEF"), None);
        assert_eq!(Fingerprint::from_hex("0123456789abcde"), None);
    }
}
