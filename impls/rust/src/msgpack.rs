//! Minimal MessagePack: a total decoder into a value tree and a canonical writer.
//!
//! The decoder never panics and never trusts a length before checking it against the bytes left
//! (every element takes at least one byte), so hostile input cannot force large allocations; the
//! nesting depth is bounded. The writer always picks the shortest format (canonical bytes).

/// A decoded MessagePack value. Strings are kept as bytes (keys and names are compared bytewise).
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Nil,
    Bool(bool),
    /// Every integer format, signed or not, decodes here.
    Int(i128),
    Str(Vec<u8>),
    Bin(Vec<u8>),
    Array(Vec<Value>),
    Map(Vec<(Value, Value)>),
    /// Floats and extension types: never valid in difftower data.
    Other,
}

pub const MAX_DEPTH: usize = 64;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError(pub String);

/// Decodes exactly one value spanning all of `bytes`.
pub fn decode(bytes: &[u8]) -> Result<Value, DecodeError> {
    let mut d = Decoder { bytes, pos: 0 };
    let v = d.value(0)?;
    if d.pos != bytes.len() {
        return Err(DecodeError(format!("{} trailing bytes after the value", bytes.len() - d.pos)));
    }
    Ok(v)
}

struct Decoder<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Decoder<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], DecodeError> {
        if n > self.bytes.len() - self.pos {
            return Err(DecodeError(format!("unexpected end of input at byte {}", self.pos)));
        }
        let s = &self.bytes[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }

    fn uint(&mut self, n: usize) -> Result<u64, DecodeError> {
        let s = self.take(n)?;
        Ok(s.iter().fold(0u64, |acc, b| (acc << 8) | *b as u64))
    }

    fn int(&mut self, n: usize) -> Result<i64, DecodeError> {
        let u = self.uint(n)?;
        let shift = 64 - 8 * n as u32;
        Ok(((u << shift) as i64) >> shift)
    }

    fn len_checked(&self, n: u64, min_each: usize) -> Result<usize, DecodeError> {
        let left = (self.bytes.len() - self.pos) as u64;
        if n.saturating_mul(min_each as u64) > left {
            return Err(DecodeError(format!("length {n} at byte {} exceeds the input", self.pos)));
        }
        Ok(n as usize)
    }

    fn value(&mut self, depth: usize) -> Result<Value, DecodeError> {
        if depth > MAX_DEPTH {
            return Err(DecodeError("nesting too deep".into()));
        }
        let tag = self.take(1)?[0];
        Ok(match tag {
            0x00..=0x7f => Value::Int(tag as i128),
            0x80..=0x8f => self.map((tag & 0x0f) as u64, depth)?,
            0x90..=0x9f => self.array((tag & 0x0f) as u64, depth)?,
            0xa0..=0xbf => self.str((tag & 0x1f) as u64)?,
            0xc0 => Value::Nil,
            0xc2 => Value::Bool(false),
            0xc3 => Value::Bool(true),
            0xc4 => {
                let n = self.uint(1)?;
                self.bin(n)?
            }
            0xc5 => {
                let n = self.uint(2)?;
                self.bin(n)?
            }
            0xc6 => {
                let n = self.uint(4)?;
                self.bin(n)?
            }
            0xc7..=0xc9 => {
                let n = self.uint(1 << (tag - 0xc7))? as usize;
                self.take(1)?; // ext type
                self.take(n)?;
                Value::Other
            }
            0xca => {
                self.take(4)?;
                Value::Other
            }
            0xcb => {
                self.take(8)?;
                Value::Other
            }
            0xcc..=0xcf => Value::Int(self.uint(1 << (tag - 0xcc))? as i128),
            0xd0..=0xd3 => Value::Int(self.int(1 << (tag - 0xd0))? as i128),
            0xd4..=0xd8 => {
                self.take(1)?;
                self.take(1 << (tag - 0xd4))?;
                Value::Other
            }
            0xd9 => {
                let n = self.uint(1)?;
                self.str(n)?
            }
            0xda => {
                let n = self.uint(2)?;
                self.str(n)?
            }
            0xdb => {
                let n = self.uint(4)?;
                self.str(n)?
            }
            0xdc => {
                let n = self.uint(2)?;
                self.array(n, depth)?
            }
            0xdd => {
                let n = self.uint(4)?;
                self.array(n, depth)?
            }
            0xde => {
                let n = self.uint(2)?;
                self.map(n, depth)?
            }
            0xdf => {
                let n = self.uint(4)?;
                self.map(n, depth)?
            }
            0xe0..=0xff => Value::Int((tag as i8) as i128),
            0xc1 => return Err(DecodeError(format!("reserved byte 0xc1 at {}", self.pos - 1))),
        })
    }

    fn str(&mut self, n: u64) -> Result<Value, DecodeError> {
        let n = self.len_checked(n, 1)?;
        Ok(Value::Str(self.take(n)?.to_vec()))
    }

    fn bin(&mut self, n: u64) -> Result<Value, DecodeError> {
        let n = self.len_checked(n, 1)?;
        Ok(Value::Bin(self.take(n)?.to_vec()))
    }

    fn array(&mut self, n: u64, depth: usize) -> Result<Value, DecodeError> {
        let n = self.len_checked(n, 1)?;
        let mut items = Vec::with_capacity(n);
        for _ in 0..n {
            items.push(self.value(depth + 1)?);
        }
        Ok(Value::Array(items))
    }

    fn map(&mut self, n: u64, depth: usize) -> Result<Value, DecodeError> {
        let n = self.len_checked(n, 2)?;
        let mut entries = Vec::with_capacity(n);
        for _ in 0..n {
            let k = self.value(depth + 1)?;
            let v = self.value(depth + 1)?;
            entries.push((k, v));
        }
        Ok(Value::Map(entries))
    }
}

/// Writes a value tree canonically (`Other` has no canonical form and is written as nil).
pub fn encode(v: &Value) -> Vec<u8> {
    fn go(w: &mut Writer, v: &Value) {
        match v {
            Value::Nil | Value::Other => w.nil(),
            Value::Bool(b) => w.bool(*b),
            Value::Int(i) => w.int(*i),
            Value::Str(s) => {
                w.header(s.len(), Some((0xa0, 31)), [0xd9, 0xda, 0xdb]);
                w.buf.extend_from_slice(s);
            }
            Value::Bin(b) => w.bin(b),
            Value::Array(items) => {
                w.array(items.len());
                items.iter().for_each(|x| go(w, x));
            }
            Value::Map(entries) => {
                w.map(entries.len());
                for (k, x) in entries {
                    go(w, k);
                    go(w, x);
                }
            }
        }
    }
    let mut w = Writer::new();
    go(&mut w, v);
    w.into_bytes()
}

/// Canonical writer: shortest formats, maps written in the order the caller gives.
#[derive(Default)]
pub struct Writer {
    pub buf: Vec<u8>,
}

impl Writer {
    pub fn new() -> Writer {
        Writer { buf: Vec::new() }
    }

    pub fn into_bytes(self) -> Vec<u8> {
        self.buf
    }

    pub fn nil(&mut self) {
        self.buf.push(0xc0);
    }

    pub fn bool(&mut self, b: bool) {
        self.buf.push(if b { 0xc3 } else { 0xc2 });
    }

    pub fn uint(&mut self, v: u64) {
        if v < 0x80 {
            self.buf.push(v as u8);
        } else if v <= u8::MAX as u64 {
            self.buf.push(0xcc);
            self.buf.push(v as u8);
        } else if v <= u16::MAX as u64 {
            self.buf.push(0xcd);
            self.buf.extend_from_slice(&(v as u16).to_be_bytes());
        } else if v <= u32::MAX as u64 {
            self.buf.push(0xce);
            self.buf.extend_from_slice(&(v as u32).to_be_bytes());
        } else {
            self.buf.push(0xcf);
            self.buf.extend_from_slice(&v.to_be_bytes());
        }
    }

    /// Any integer a `Value` can hold: unsigned formats for `>= 0`, shortest signed otherwise.
    pub fn int(&mut self, v: i128) {
        if v >= 0 {
            self.uint(v.min(u64::MAX as i128) as u64);
        } else if v >= -32 {
            self.buf.push(v as i8 as u8);
        } else if v >= i8::MIN as i128 {
            self.buf.push(0xd0);
            self.buf.push(v as i8 as u8);
        } else if v >= i16::MIN as i128 {
            self.buf.push(0xd1);
            self.buf.extend_from_slice(&(v as i16).to_be_bytes());
        } else if v >= i32::MIN as i128 {
            self.buf.push(0xd2);
            self.buf.extend_from_slice(&(v as i32).to_be_bytes());
        } else {
            self.buf.push(0xd3);
            self.buf.extend_from_slice(&(v.max(i64::MIN as i128) as i64).to_be_bytes());
        }
    }

    fn header(&mut self, len: usize, fix: Option<(u8, usize)>, tags: [u8; 3]) {
        match fix {
            Some((base, max)) if len <= max => self.buf.push(base | len as u8),
            _ if tags[0] != 0 && len <= u8::MAX as usize => {
                self.buf.push(tags[0]);
                self.buf.push(len as u8);
            }
            _ if len <= u16::MAX as usize => {
                self.buf.push(tags[1]);
                self.buf.extend_from_slice(&(len as u16).to_be_bytes());
            }
            _ => {
                self.buf.push(tags[2]);
                self.buf.extend_from_slice(&(len as u32).to_be_bytes());
            }
        }
    }

    pub fn str(&mut self, s: &str) {
        self.header(s.len(), Some((0xa0, 31)), [0xd9, 0xda, 0xdb]);
        self.buf.extend_from_slice(s.as_bytes());
    }

    pub fn bin(&mut self, b: &[u8]) {
        self.header(b.len(), None, [0xc4, 0xc5, 0xc6]);
        self.buf.extend_from_slice(b);
    }

    pub fn array(&mut self, len: usize) {
        self.header(len, Some((0x90, 15)), [0, 0xdc, 0xdd]);
    }

    pub fn map(&mut self, len: usize) {
        self.header(len, Some((0x80, 15)), [0, 0xde, 0xdf]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_rejects() {
        let mut w = Writer::new();
        w.map(3);
        w.str("a");
        w.uint(300);
        w.str("b");
        w.array(2);
        w.bin(&[1, 2, 3]);
        w.nil();
        w.str("c");
        w.uint(u64::MAX);
        let bytes = w.into_bytes();
        let v = decode(&bytes).unwrap();
        assert_eq!(
            v,
            Value::Map(vec![
                (Value::Str(b"a".to_vec()), Value::Int(300)),
                (Value::Str(b"b".to_vec()), Value::Array(vec![Value::Bin(vec![1, 2, 3]), Value::Nil])),
                (Value::Str(b"c".to_vec()), Value::Int(u64::MAX as i128)),
            ])
        );
        for cut in 0..bytes.len() {
            assert!(decode(&bytes[..cut]).is_err());
        }
        assert!(decode(&[0xdd, 0xff, 0xff, 0xff, 0xff]).is_err());
        assert!(decode(&[0xc1]).is_err());
        assert_eq!(decode(&[0xd0, 0xff]).unwrap(), Value::Int(-1));
        assert_eq!(decode(&[0xe0]).unwrap(), Value::Int(-32));
        let deep = vec![0x91u8; 1000];
        assert!(decode(&deep).is_err());
    }
}
