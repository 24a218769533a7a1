//! The JSON shapes of API.md shared by every recognizer: boxes as four
//! clockwise corners, `{value, conf}` fields and `{key, value, conf, bbox}`
//! key values.

use docrec_ocr::Quad;
use serde::Serialize;

/// `{"x1","y1",…,"x4","y4"}`: integer corners clockwise from top-left.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct BoxCorners {
    pub x1: i32,
    pub y1: i32,
    pub x2: i32,
    pub y2: i32,
    pub x3: i32,
    pub y3: i32,
    pub x4: i32,
    pub y4: i32,
}

impl From<Quad> for BoxCorners {
    fn from(quad: Quad) -> Self {
        let [x1, y1, x2, y2, x3, y3, x4, y4] = quad.to_pixels();
        BoxCorners {
            x1,
            y1,
            x2,
            y2,
            x3,
            y3,
            x4,
            y4,
        }
    }
}

/// A value with its confidence in [0, 1].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ValueConf {
    pub value: String,
    pub conf: f32,
}

/// A key a document kind answers (`IdKey`, `BusinessKey`): matched as
/// itself inside its recognizer, named in the API only in the answer.
pub trait ApiKey: Copy {
    /// Its name in the API (`residentNumber`, `등록번호`).
    fn api_name(self) -> &'static str;
}

/// A recognised key of a document: its value, confidence and box in the
/// upload.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyValue<K> {
    pub key: K,
    pub value: String,
    pub conf: f32,
    pub quad: Quad,
}

impl<K> KeyValue<K> {
    /// A key that was not read: an empty value, `conf` 0, an empty box (as
    /// the API answers every key of a type).
    pub fn unread(key: K) -> Self {
        KeyValue {
            key,
            value: String::new(),
            conf: 0.0,
            quad: Quad::new([(0.0, 0.0); 4]),
        }
    }
}

/// One entry of an answer's `keyValues`: `{key, value, conf, bbox}`.
#[derive(Debug, Clone, Serialize)]
pub struct KeyValueResult {
    pub key: String,
    pub value: String,
    pub conf: f32,
    pub bbox: BoxCorners,
}

impl<K: ApiKey> From<&KeyValue<K>> for KeyValueResult {
    fn from(kv: &KeyValue<K>) -> Self {
        KeyValueResult {
            key: kv.key.api_name().to_owned(),
            value: kv.value.clone(),
            conf: round_conf(kv.conf),
            bbox: kv.quad.into(),
        }
    }
}

/// `"normal"` when an image meets the recommended size, else `"low"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Resolution {
    Normal,
    Low,
}

impl Resolution {
    /// Compares the image's sides with the recommended long × short sides,
    /// whatever the image's orientation.
    pub fn of(width: u32, height: u32, recommended: (u32, u32)) -> Resolution {
        let (long, short) = (width.max(height), width.min(height));
        if long >= recommended.0 && short >= recommended.1 {
            Resolution::Normal
        } else {
            Resolution::Low
        }
    }
}

/// Rounds a confidence to three decimals for the answer.
pub fn round_conf(conf: f32) -> f32 {
    (conf.clamp(0.0, 1.0) * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolution_ignores_orientation() {
        assert_eq!(Resolution::of(800, 500, (760, 480)), Resolution::Normal);
        assert_eq!(Resolution::of(500, 800, (760, 480)), Resolution::Normal);
        assert_eq!(Resolution::of(391, 248, (760, 480)), Resolution::Low);
    }

    #[test]
    fn boxes_serialise_as_eight_integers() {
        let quad = Quad::new([(1.4, 2.6), (10.0, 2.0), (10.0, 8.0), (1.0, 8.0)]);
        let json = serde_json::to_value(BoxCorners::from(quad)).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"x1":1,"y1":3,"x2":10,"y2":2,"x3":10,"y3":8,"x4":1,"y4":8})
        );
    }
}
