//! Kept responses compressed once. A kept page (`render::kept_page`) or kept JSON view is the
//! same bytes for the same caller while its view is unchanged, and compressing 90–300 KB of
//! HTML costs several times what building the page from a kept view does. A handler marks
//! such a response `Reusable`; this middleware compresses it and keeps the result under a
//! 128-bit hash of the plain bytes and the coding. Content-addressed, so never stale: another
//! view, user, CSRF token or unread count is other bytes and another key. Every other
//! response is left to the compression layer outside (`web::compression`), which passes a
//! response that already has a `Content-Encoding`.
use crate::AppState;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::collections::{HashMap, VecDeque};
use std::hash::BuildHasher;
use std::sync::Mutex;

/// A response worth keeping compressed: its bytes recur (set by the handler).
#[derive(Clone, Copy, Debug)]
pub struct Reusable;

/// `resp` marked [`Reusable`].
pub fn reusable(resp: impl IntoResponse) -> Response {
    let mut r = resp.into_response();
    r.extensions_mut().insert(Reusable);
    r
}

/// A content coding this module produces, in the order it prefers them (as the layer does).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Coding {
    Br,
    Gzip,
}

impl Coding {
    fn header(self) -> HeaderValue {
        HeaderValue::from_static(match self {
            Coding::Br => "br",
            Coding::Gzip => "gzip",
        })
    }
}

/// The quality of every compressed response, here and in the compression layer
/// (`web::compression`): most of the saving for a fraction of the CPU of the maximum.
pub const QUALITY: u32 = 4;
/// What the kept bodies may hold in all; the oldest go first (a compressed overview is about
/// 8 KB, a 327-activity schedule about 21 KB).
const BUDGET: usize = 4 << 20;

type Key = (u128, Coding);

/// Compressed bodies by (hash of the plain body, coding).
#[derive(Default)]
pub struct Packed {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    map: HashMap<Key, Bytes>,
    order: VecDeque<Key>,
    bytes: usize,
}

impl Packed {
    fn get(&self, key: &Key) -> Option<Bytes> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner()).map.get(key).cloned()
    }

    fn put(&self, key: Key, body: Bytes) {
        if body.len() > BUDGET / 8 {
            return;
        }
        let mut g = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        let inner = &mut *g;
        if inner.map.contains_key(&key) {
            return;
        }
        inner.bytes += body.len();
        inner.map.insert(key, body);
        inner.order.push_back(key);
        while inner.bytes > BUDGET {
            let Some(old) = inner.order.pop_front() else { break };
            if let Some(b) = inner.map.remove(&old) {
                inner.bytes -= b.len();
            }
        }
    }

    /// How many bodies are kept (for tests).
    pub fn len(&self) -> usize {
        self.inner.lock().unwrap_or_else(|p| p.into_inner()).map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The coding to answer with, from `Accept-Encoding`: brotli, else gzip, else none. A coding
/// with `q=0` is refused; `*` accepts both.
pub fn choose(headers: &HeaderMap) -> Option<Coding> {
    let (mut br, mut gzip) = (false, false);
    for v in headers.get_all(header::ACCEPT_ENCODING) {
        let Ok(v) = v.to_str() else { continue };
        for item in v.split(',') {
            let mut it = item.split(';');
            let name = it.next().unwrap_or("").trim();
            let refused = it.any(|p| {
                let p = p.trim();
                p.strip_prefix("q=").or_else(|| p.strip_prefix("Q=")).and_then(|q| q.trim().parse::<f32>().ok())
                    == Some(0.0)
            });
            if refused {
                continue;
            }
            let is = |n: &str| name.eq_ignore_ascii_case(n);
            if is("br") {
                br = true;
            } else if is("gzip") || is("x-gzip") {
                gzip = true;
            } else if name == "*" {
                (br, gzip) = (true, true);
            }
        }
    }
    if br {
        Some(Coding::Br)
    } else if gzip {
        Some(Coding::Gzip)
    } else {
        None
    }
}

/// The body compressed with `coding`.
pub fn compress(coding: Coding, plain: &[u8]) -> std::io::Result<Vec<u8>> {
    use std::io::Write;
    let mut out = Vec::with_capacity(plain.len() / 4 + 64);
    match coding {
        Coding::Br => {
            let params = brotli::enc::BrotliEncoderParams { quality: QUALITY as i32, ..Default::default() };
            brotli::BrotliCompress(&mut &plain[..], &mut out, &params)?;
            Ok(out)
        }
        Coding::Gzip => {
            let mut e = flate2::write::GzEncoder::new(out, flate2::Compression::new(QUALITY));
            e.write_all(plain)?;
            e.finish()
        }
    }
}

/// 128 bits of the body: two independently seeded hashes (a collision would serve another
/// page's bytes, so 64 bits is not enough margin for a cache that lives for months).
fn fingerprint(plain: &[u8]) -> u128 {
    const A: foldhash::quality::FixedState = foldhash::quality::FixedState::with_seed(0x6e69_6e65_666f_6c64);
    const B: foldhash::quality::FixedState = foldhash::quality::FixedState::with_seed(0x7061_636b_6564_2121);
    (u128::from(A.hash_one(plain)) << 64) | u128::from(B.hash_one(plain))
}

pub async fn middleware(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let coding = choose(req.headers());
    let resp = next.run(req).await;
    let Some(coding) = coding else { return resp };
    if resp.status() != StatusCode::OK
        || resp.extensions().get::<Reusable>().is_none()
        || resp.headers().contains_key(header::CONTENT_ENCODING)
    {
        return resp;
    }
    let (mut parts, body) = resp.into_parts();
    // A kept response is one buffer already: this takes it, it does not stream.
    let Ok(plain) = axum::body::to_bytes(body, usize::MAX).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let key = (fingerprint(&plain), coding);
    let packed = match state.packed.get(&key) {
        Some(b) => b,
        None => match compress(coding, &plain) {
            Ok(v) => {
                let b = Bytes::from(v);
                state.packed.put(key, b.clone());
                b
            }
            // Cannot happen writing to memory; the plain body is still a right answer.
            Err(_) => return Response::from_parts(parts, Body::from(plain)),
        },
    };
    parts.headers.insert(header::CONTENT_ENCODING, coding.header());
    parts.headers.append(header::VARY, HeaderValue::from_static("accept-encoding"));
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(packed))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn accept(v: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT_ENCODING, HeaderValue::from_str(v).unwrap());
        h
    }

    #[test]
    fn the_coding_follows_accept_encoding() {
        assert_eq!(choose(&accept("gzip, deflate, br, zstd")), Some(Coding::Br));
        assert_eq!(choose(&accept("gzip")), Some(Coding::Gzip));
        assert_eq!(choose(&accept("br;q=0, gzip;q=0.5")), Some(Coding::Gzip));
        assert_eq!(choose(&accept("br;q=0.0, gzip;q=0")), None);
        assert_eq!(choose(&accept("identity")), None);
        assert_eq!(choose(&accept("*")), Some(Coding::Br));
        assert_eq!(choose(&HeaderMap::new()), None);
    }

    #[test]
    fn both_codings_give_back_the_bytes() {
        let plain = "<p>项目概览 overview</p>".repeat(2_000);
        let br = compress(Coding::Br, plain.as_bytes()).unwrap();
        let mut back = String::new();
        brotli::Decompressor::new(&br[..], 4096).read_to_string(&mut back).unwrap();
        assert_eq!(back, plain);
        let gz = compress(Coding::Gzip, plain.as_bytes()).unwrap();
        let mut back = String::new();
        flate2::read::GzDecoder::new(&gz[..]).read_to_string(&mut back).unwrap();
        assert_eq!(back, plain);
        assert!(br.len() < plain.len() / 20 && gz.len() < plain.len() / 20);
    }

    #[test]
    fn the_store_keeps_to_its_budget_and_differs_by_byte() {
        let p = Packed::default();
        assert_ne!(fingerprint(b"csrf=a"), fingerprint(b"csrf=b"));
        for i in 0..200u128 {
            p.put((i, Coding::Br), Bytes::from(vec![0u8; 64 << 10]));
        }
        let kept = p.len();
        assert_eq!(kept, BUDGET / (64 << 10));
        assert!(p.get(&(0, Coding::Br)).is_none(), "the oldest went first");
        assert!(p.get(&(199, Coding::Br)).is_some());
        assert!(p.get(&(199, Coding::Gzip)).is_none());
    }
}
