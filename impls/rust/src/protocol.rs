//! The difftower subprocess protocol, version 1 (`impls/PROTOCOL.md`; Rust notes in
//! `impls/rust/PROTOCOL.md`): length-prefixed msgpack requests in, replies out, one chain per
//! process.

use crate::codec;
use crate::field::Fr;
use crate::msgpack::{self, Value, Writer};
use crate::params::Profile;
use crate::stf::Chain;
use std::io::{self, Read, Write};

pub const PROTOCOL_VERSION: u64 = 1;
pub const NAME: &str = "difftower-stf-rust";
/// Frames above this size are a protocol error (impls/PROTOCOL.md).
pub const MAX_FRAME: usize = 64 << 20;

/// One process's chain; `None` until the first `genesis` or `restore`.
#[derive(Default)]
pub struct Session {
    chain: Option<Chain>,
}

fn lookup<'a>(entries: &'a [(Value, Value)], key: &str) -> Option<&'a Value> {
    entries.iter().find(|(k, _)| matches!(k, Value::Str(s) if s == key.as_bytes())).map(|(_, v)| v)
}

fn error_reply(message: &str) -> Vec<u8> {
    let mut w = Writer::new();
    w.map(2);
    w.str("ok");
    w.bool(false);
    w.str("error");
    w.str(message);
    w.into_bytes()
}

/// `{ok: true}` plus the given entries, already encoded by `body`.
fn ok_reply(extra: usize, body: impl FnOnce(&mut Writer)) -> Vec<u8> {
    let mut w = Writer::new();
    w.map(1 + extra);
    w.str("ok");
    w.bool(true);
    body(&mut w);
    w.into_bytes()
}

/// `chainId` / `version`: a bin32 field element (an integer is accepted too).
fn field_arg(entries: &[(Value, Value)], key: &str, default: u64) -> Result<Fr, String> {
    match lookup(entries, key) {
        None | Some(Value::Nil) => Ok(Fr::from_u64(default)),
        Some(Value::Bin(b)) => <&[u8; 32]>::try_from(b.as_slice())
            .ok()
            .and_then(Fr::from_be_bytes)
            .ok_or_else(|| format!("{key}: not a 32-byte field element below p")),
        Some(Value::Int(i)) if *i >= 0 && *i <= u64::MAX as i128 => Ok(Fr::from_u64(*i as u64)),
        Some(_) => Err(format!("{key}: expected bin32")),
    }
}

fn bin_arg<'a>(entries: &'a [(Value, Value)], key: &str) -> Result<&'a [u8], String> {
    match lookup(entries, key) {
        Some(Value::Bin(b)) => Ok(b),
        _ => Err(format!("{key}: expected a binary")),
    }
}

impl Session {
    pub fn new() -> Session {
        Session::default()
    }

    /// Serves one request body; always returns a reply body.
    pub fn handle(&mut self, request: &[u8]) -> Vec<u8> {
        match self.dispatch(request) {
            Ok(reply) => reply,
            Err(message) => error_reply(&message),
        }
    }

    fn dispatch(&mut self, request: &[u8]) -> Result<Vec<u8>, String> {
        let value = msgpack::decode(request).map_err(|e| format!("request is not msgpack: {}", e.0))?;
        let Value::Map(entries) = value else { return Err("request is not a map".into()) };
        let op = match lookup(&entries, "op") {
            Some(Value::Str(s)) => s.clone(),
            _ => return Err("request has no op".into()),
        };
        match op.as_slice() {
            b"hello" => Ok(ok_reply(2, |w| {
                w.str("name");
                w.str(NAME);
                w.str("protocol");
                w.uint(PROTOCOL_VERSION);
            })),
            b"genesis" => {
                let profile = match lookup(&entries, "profile") {
                    Some(Value::Str(s)) => Profile::from_name(s).ok_or("unknown profile")?,
                    _ => return Err("profile: expected \"aztec\" or \"small\"".into()),
                };
                let chain_id = field_arg(&entries, "chainId", 31337)?;
                let version = field_arg(&entries, "version", 1)?;
                self.chain = Some(Chain::genesis(profile, chain_id, version));
                Ok(ok_reply(0, |_| {}))
            }
            b"apply" => {
                let bytes = bin_arg(&entries, "checkpoint")?;
                let chain = self.chain.as_mut().ok_or("no chain: send genesis or restore first")?;
                let outcome = codec::encode_outcome(&codec::apply_checkpoint_bytes(chain, bytes));
                Ok(ok_reply(1, |w| {
                    w.str("outcome");
                    w.bin(&outcome);
                }))
            }
            b"snapshot" => {
                let chain = self.chain.as_ref().ok_or("no chain: send genesis or restore first")?;
                let state = codec::encode_state(chain);
                Ok(ok_reply(1, |w| {
                    w.str("state");
                    w.bin(&state);
                }))
            }
            b"restore" => {
                let bytes = bin_arg(&entries, "state")?;
                // A bad state leaves the current chain in place.
                self.chain = Some(codec::decode_state(bytes).map_err(|e| format!("restore: {e}"))?);
                Ok(ok_reply(0, |_| {}))
            }
            other => Err(format!("unknown op {:?}", String::from_utf8_lossy(other))),
        }
    }
}

/// Reads frames until end of input, answering each. A frame over the limit is drained and
/// answered with an error; a length prefix cut short ends the loop like end of input.
pub fn serve(mut input: impl Read, mut output: impl Write) -> io::Result<()> {
    let mut session = Session::new();
    loop {
        let mut len = [0u8; 4];
        match input.read_exact(&mut len) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(()),
            Err(e) => return Err(e),
        }
        let n = u32::from_be_bytes(len) as usize;
        let reply = if n > MAX_FRAME {
            io::copy(&mut (&mut input).take(n as u64), &mut io::sink())?;
            error_reply(&format!("frame of {n} bytes exceeds the 64 MiB limit"))
        } else {
            let mut body = vec![0u8; n];
            input.read_exact(&mut body)?;
            session.handle(&body)
        };
        output.write_all(&(reply.len() as u32).to_be_bytes())?;
        output.write_all(&reply)?;
        output.flush()?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(entries: &[(&str, Value)]) -> Vec<u8> {
        msgpack::encode(&Value::Map(
            entries.iter().map(|(k, v)| (Value::Str(k.as_bytes().to_vec()), v.clone())).collect(),
        ))
    }

    fn reply(session: &mut Session, entries: &[(&str, Value)]) -> Vec<(Value, Value)> {
        match msgpack::decode(&session.handle(&request(entries))).unwrap() {
            Value::Map(m) => m,
            other => panic!("reply is not a map: {other:?}"),
        }
    }

    fn op(name: &str) -> (&'static str, Value) {
        ("op", Value::Str(name.as_bytes().to_vec()))
    }

    #[test]
    fn session_round_trip() {
        let mut s = Session::new();
        let r = reply(&mut s, &[op("hello")]);
        assert_eq!(lookup(&r, "protocol"), Some(&Value::Int(1)));
        let r = reply(&mut s, &[op("snapshot")]);
        assert_eq!(lookup(&r, "ok"), Some(&Value::Bool(false)));
        let r = reply(
            &mut s,
            &[
                op("genesis"),
                ("profile", Value::Str(b"small".to_vec())),
                ("chainId", Value::Bin(Fr::from_u64(31337).to_be_bytes().to_vec())),
                ("version", Value::Bin(Fr::ONE.to_be_bytes().to_vec())),
            ],
        );
        assert_eq!(r, vec![(Value::Str(b"ok".to_vec()), Value::Bool(true))]);
        let r = reply(&mut s, &[op("apply"), ("checkpoint", Value::Bin(vec![1, 2, 3]))]);
        let Some(Value::Bin(outcome)) = lookup(&r, "outcome") else { panic!("{r:?}") };
        let Value::Map(o) = msgpack::decode(outcome).unwrap() else { panic!() };
        assert_eq!(lookup(&o, "code"), Some(&Value::Str(b"E_MALFORMED_INPUT".to_vec())));
        let r = reply(&mut s, &[op("snapshot")]);
        let Some(Value::Bin(state)) = lookup(&r, "state").cloned() else { panic!() };
        let r = reply(&mut s, &[op("restore"), ("state", Value::Bin(state))]);
        assert_eq!(lookup(&r, "ok"), Some(&Value::Bool(true)));
        let r = reply(&mut s, &[op("restore"), ("state", Value::Bin(vec![0x80]))]);
        assert_eq!(lookup(&r, "ok"), Some(&Value::Bool(false)));
        let r = reply(&mut s, &[op("fly")]);
        assert_eq!(lookup(&r, "ok"), Some(&Value::Bool(false)));
    }

    #[test]
    fn framing() {
        let mut input = Vec::new();
        for body in [request(&[op("hello")]), vec![0xc1]] {
            input.extend_from_slice(&(body.len() as u32).to_be_bytes());
            input.extend_from_slice(&body);
        }
        let mut out = Vec::new();
        serve(input.as_slice(), &mut out).unwrap();
        let n1 = u32::from_be_bytes(out[..4].try_into().unwrap()) as usize;
        let first = msgpack::decode(&out[4..4 + n1]).unwrap();
        let Value::Map(m) = first else { panic!() };
        assert_eq!(lookup(&m, "name"), Some(&Value::Str(NAME.as_bytes().to_vec())));
        let rest = &out[4 + n1..];
        let n2 = u32::from_be_bytes(rest[..4].try_into().unwrap()) as usize;
        let Value::Map(m) = msgpack::decode(&rest[4..4 + n2]).unwrap() else { panic!() };
        assert_eq!(lookup(&m, "ok"), Some(&Value::Bool(false)));
    }
}
