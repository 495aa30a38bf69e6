//! Minimal MessagePack: a total decoder into a value tree and a canonical writer.
//!
//! The decoder never panics and never trusts a length before checking it against the bytes left
//! (every element takes at least one byte), so hostile input cannot force large allocations; the
//! nesting depth is bounded. The writer always picks the shortest format (canonical bytes).
//!
//! Two decoding modes: [`decode`] accepts any msgpack encoding of a value (protocol requests,
//! state files); [`decode_canonical`] accepts exactly the bytes [`encode`] writes for the value it
//! decodes (every integer, string, binary, array and map header in its shortest form, no floats or
//! extension types), which is the wire half of spec §8's "checkpoints are accepted only in
//! canonical form" (the key half, order and set, is checked in `codec`).

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

/// Decodes exactly one value spanning all of `bytes`, in any encoding.
pub fn decode(bytes: &[u8]) -> Result<Value, DecodeError> {
    decode_with(bytes, false)
}

/// Decodes exactly one value spanning all of `bytes`, which must be its canonical encoding:
/// `decode_canonical(b)` succeeds exactly when `decode(b)` does and `encode(&decode(b)?) == b`.
pub fn decode_canonical(bytes: &[u8]) -> Result<Value, DecodeError> {
    decode_with(bytes, true)
}

fn decode_with(bytes: &[u8], canonical: bool) -> Result<Value, DecodeError> {
    let mut d = Decoder { bytes, pos: 0, canonical };
    let v = d.value(0)?;
    if d.pos != bytes.len() {
        return Err(DecodeError(format!("{} trailing bytes after the value", bytes.len() - d.pos)));
    }
    Ok(v)
}

struct Decoder<'a> {
    bytes: &'a [u8],
    pos: usize,
    /// Refuse every encoding but the shortest (see [`decode_canonical`]).
    canonical: bool,
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

    /// In canonical mode, refuses the value just read at `at` unless `shortest` holds.
    fn shortest(&self, shortest: bool, at: usize, what: &str) -> Result<(), DecodeError> {
        if self.canonical && !shortest {
            return Err(DecodeError(format!("non-minimal {what} header at byte {at}")));
        }
        Ok(())
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
        let at = self.pos;
        let tag = self.take(1)?[0];
        // Lengths that a shorter header could carry: 8-bit formats below these are not canonical
        // for str (fixstr holds 0..=31); 16- and 32-bit formats below 2^8 and 2^16 (2^4 for
        // arrays and maps, which have no 8-bit format) never are.
        const FIXSTR: u64 = 32;
        const FIXCOLL: u64 = 16;
        const U8: u64 = 1 << 8;
        const U16: u64 = 1 << 16;
        const U32: u64 = 1 << 32;
        Ok(match tag {
            0x00..=0x7f => Value::Int(tag as i128),
            0x80..=0x8f => self.map((tag & 0x0f) as u64, depth)?,
            0x90..=0x9f => self.array((tag & 0x0f) as u64, depth)?,
            0xa0..=0xbf => self.str((tag & 0x1f) as u64)?,
            0xc0 => Value::Nil,
            0xc2 => Value::Bool(false),
            0xc3 => Value::Bool(true),
            0xc4..=0xc6 => {
                let n = self.uint(1 << (tag - 0xc4))?;
                self.shortest(n >= [0, U8, U16][(tag - 0xc4) as usize], at, "bin")?;
                self.bin(n)?
            }
            0xc7..=0xc9 | 0xca | 0xcb | 0xd4..=0xd8 => {
                if self.canonical {
                    return Err(DecodeError(format!("float or extension type at byte {at}")));
                }
                match tag {
                    0xc7..=0xc9 => {
                        let n = self.uint(1 << (tag - 0xc7))? as usize;
                        self.take(1)?; // ext type
                        self.take(n)?;
                    }
                    0xca => {
                        self.take(4)?;
                    }
                    0xcb => {
                        self.take(8)?;
                    }
                    _ => {
                        self.take(1)?;
                        self.take(1 << (tag - 0xd4))?;
                    }
                }
                Value::Other
            }
            0xcc..=0xcf => {
                let v = self.uint(1 << (tag - 0xcc))?;
                self.shortest(v >= [0x80, U8, U16, U32][(tag - 0xcc) as usize] || fault!("non-canonical-uint8", false, tag == 0xcc), at, "integer")?;
                Value::Int(v as i128)
            }
            0xd0..=0xd3 => {
                // Non-negative values are written unsigned; negative ones in the shortest width.
                let v = self.int(1 << (tag - 0xd0))?;
                self.shortest(v < [-32, -(1 << 7), -(1 << 15), -(1 << 31)][(tag - 0xd0) as usize], at, "integer")?;
                Value::Int(v as i128)
            }
            0xd9..=0xdb => {
                let n = self.uint(1 << (tag - 0xd9))?;
                self.shortest(n >= [FIXSTR, U8, U16][(tag - 0xd9) as usize], at, "str")?;
                self.str(n)?
            }
            0xdc | 0xdd => {
                let n = self.uint(2 << (tag - 0xdc))?;
                self.shortest(n >= [FIXCOLL, U16][(tag - 0xdc) as usize], at, "array")?;
                self.array(n, depth)?
            }
            0xde | 0xdf => {
                let n = self.uint(2 << (tag - 0xde))?;
                self.shortest(n >= [FIXCOLL, U16][(tag - 0xde) as usize], at, "map")?;
                self.map(n, depth)?
            }
            0xe0..=0xff => Value::Int((tag as i8) as i128),
            0xc1 => return Err(DecodeError(format!("reserved byte 0xc1 at {at}"))),
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

    /// xorshift64*, for the property tests below.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545f4914f6cdd1d)
        }
        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }
    }

    /// Writes `v` with a randomly chosen (valid, possibly wider than needed) header for every item.
    fn loose(v: &Value, rng: &mut Rng, out: &mut Vec<u8>) {
        fn len_header(out: &mut Vec<u8>, rng: &mut Rng, n: usize, fix: Option<(u8, usize)>, tags: [u8; 3]) {
            let mut options = Vec::new();
            if let Some((base, max)) = fix {
                if n <= max {
                    options.push(vec![base | n as u8]);
                }
            }
            if tags[0] != 0 && n <= 0xff {
                options.push(vec![tags[0], n as u8]);
            }
            if n <= 0xffff {
                options.push([&[tags[1]][..], &(n as u16).to_be_bytes()].concat());
            }
            options.push([&[tags[2]][..], &(n as u32).to_be_bytes()].concat());
            let i = rng.below(options.len() as u64) as usize;
            out.extend_from_slice(&options[i]);
        }
        match v {
            Value::Int(i) => {
                let i = *i;
                let mut options: Vec<Vec<u8>> = Vec::new();
                if (0..0x80).contains(&i) || (-32..0).contains(&i) {
                    options.push(vec![i as i8 as u8]);
                }
                if i >= 0 {
                    for (k, tag) in [(1, 0xcc), (2, 0xcd), (4, 0xce), (8, 0xcf)] {
                        if k == 8 || i < 1i128 << (8 * k) {
                            options.push([&[tag][..], &(i as u64).to_be_bytes()[8 - k..]].concat());
                        }
                    }
                }
                for (k, tag) in [(1, 0xd0), (2, 0xd1), (4, 0xd2), (8, 0xd3)] {
                    if i >= -(1i128 << (8 * k - 1)) && i < 1i128 << (8 * k - 1) {
                        options.push([&[tag][..], &(i as i64).to_be_bytes()[8 - k..]].concat());
                    }
                }
                let j = rng.below(options.len() as u64) as usize;
                out.extend_from_slice(&options[j]);
            }
            Value::Str(s) => {
                len_header(out, rng, s.len(), Some((0xa0, 31)), [0xd9, 0xda, 0xdb]);
                out.extend_from_slice(s);
            }
            Value::Bin(b) => {
                len_header(out, rng, b.len(), None, [0xc4, 0xc5, 0xc6]);
                out.extend_from_slice(b);
            }
            Value::Array(items) => {
                len_header(out, rng, items.len(), Some((0x90, 15)), [0, 0xdc, 0xdd]);
                items.iter().for_each(|x| loose(x, rng, out));
            }
            Value::Map(entries) => {
                len_header(out, rng, entries.len(), Some((0x80, 15)), [0, 0xde, 0xdf]);
                for (k, x) in entries {
                    loose(k, rng, out);
                    loose(x, rng, out);
                }
            }
            other => out.extend_from_slice(&encode(other)),
        }
    }

    fn sample_value(rng: &mut Rng, depth: u32) -> Value {
        match rng.below(if depth > 2 { 4 } else { 6 }) {
            0 => Value::Int(match rng.below(4) {
                0 => rng.below(300) as i128 - 150,
                1 => rng.below(1 << 40) as i128,
                2 => -(rng.below(1 << 40) as i128),
                _ => rng.next() as i128,
            }),
            1 => Value::Str((0..rng.below(300)).map(|_| b'a').collect()),
            2 => Value::Bin((0..rng.below(300)).map(|_| 7).collect()),
            3 => [Value::Nil, Value::Bool(true), Value::Bool(false)][rng.below(3) as usize].clone(),
            4 => Value::Array((0..rng.below(20)).map(|_| sample_value(rng, depth + 1)).collect()),
            _ => Value::Map(
                (0..rng.below(20)).map(|_| (sample_value(rng, depth + 1), sample_value(rng, depth + 1))).collect(),
            ),
        }
    }

    #[test]
    fn canonical_decoding_is_exactly_the_writers_output() {
        let mut rng = Rng(0x5eed_cafe_f00d_0001);
        let mut non_canonical = 0;
        for _ in 0..3000 {
            let v = sample_value(&mut rng, 0);
            let canonical = encode(&v);
            assert_eq!(decode_canonical(&canonical).as_ref(), Ok(&v));
            let mut bytes = Vec::new();
            loose(&v, &mut rng, &mut bytes);
            assert_eq!(decode(&bytes).as_ref(), Ok(&v));
            // Accepted in canonical mode exactly when the bytes are the canonical ones.
            assert_eq!(decode_canonical(&bytes).is_ok(), bytes == canonical, "{bytes:02x?}");
            non_canonical += (bytes != canonical) as u32;
        }
        assert!(non_canonical > 1000);
        // Random byte strings: the same equivalence.
        for _ in 0..20000 {
            let bytes: Vec<u8> = (0..1 + rng.below(12)).map(|_| rng.next() as u8).collect();
            let canonical_ok = decode_canonical(&bytes).is_ok();
            let round_trips = decode(&bytes).is_ok_and(|v| encode(&v) == bytes);
            assert_eq!(canonical_ok, round_trips, "{bytes:02x?}");
        }
        // One of each non-minimal header.
        for bytes in [
            &[0xcc, 0x7f][..],
            &[0xcd, 0x00, 0xff],
            &[0xce, 0x00, 0x00, 0xff, 0xff],
            &[0xcf, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff],
            &[0xd0, 0x01],
            &[0xd0, 0xe0],
            &[0xd1, 0xff, 0x80],
            &[0xd9, 0x01, b'a'],
            &[0xda, 0x00, 0x01, b'a'],
            &[0xc5, 0x00, 0x01, 0x00],
            &[0xdc, 0x00, 0x01, 0xc0],
            &[0xde, 0x00, 0x00],
            &[0xdf, 0x00, 0x00, 0x00, 0x00],
            &[0xca, 0, 0, 0, 0],
            &[0xd4, 0, 0],
        ] {
            assert!(decode(bytes).is_ok(), "{bytes:02x?}");
            assert!(decode_canonical(bytes).is_err(), "{bytes:02x?}");
        }
        assert!(decode_canonical(&[0xd0, 0xdf]).is_ok()); // -33 needs int8
        assert!(decode_canonical(&[0xcc, 0x80]).is_ok());
        assert!(decode_canonical(&[0xc4, 0x00]).is_ok()); // bin has no fix format
    }
}
