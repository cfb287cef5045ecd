//! Guest memory as WASI functions see it: bounds-checked reads and writes of
//! little-endian values, byte ranges, strings and iovec arrays. Any access
//! outside memory is `FAULT`, never a host panic.

use super::Errno;

pub(crate) struct Mem<'a> {
    bytes: &'a mut [u8],
}

impl<'a> Mem<'a> {
    pub(crate) fn new(bytes: &'a mut [u8]) -> Mem<'a> {
        Mem { bytes }
    }

    fn range(&self, ptr: u32, len: u32) -> Result<std::ops::Range<usize>, Errno> {
        let start = ptr as usize;
        let end = start.checked_add(len as usize).ok_or(Errno::FAULT)?;
        if end > self.bytes.len() {
            return Err(Errno::FAULT);
        }
        Ok(start..end)
    }

    /// `len` bytes at `ptr`.
    pub(crate) fn slice(&self, ptr: u32, len: u32) -> Result<&[u8], Errno> {
        let r = self.range(ptr, len)?;
        Ok(&self.bytes[r])
    }

    /// `len` writable bytes at `ptr`.
    pub(crate) fn slice_mut(&mut self, ptr: u32, len: u32) -> Result<&mut [u8], Errno> {
        let r = self.range(ptr, len)?;
        Ok(&mut self.bytes[r])
    }

    /// A UTF-8 string of `len` bytes at `ptr` (`ILSEQ` when it is not UTF-8).
    pub(crate) fn str(&self, ptr: u32, len: u32) -> Result<&str, Errno> {
        std::str::from_utf8(self.slice(ptr, len)?).map_err(|_| Errno::ILSEQ)
    }

    /// Copies `data` to `ptr`.
    pub(crate) fn write(&mut self, ptr: u32, data: &[u8]) -> Result<(), Errno> {
        let len = u32::try_from(data.len()).map_err(|_| Errno::FAULT)?;
        self.slice_mut(ptr, len)?.copy_from_slice(data);
        Ok(())
    }

    pub(crate) fn read_u32(&self, ptr: u32) -> Result<u32, Errno> {
        Ok(u32::from_le_bytes(self.slice(ptr, 4)?.try_into().unwrap()))
    }

    pub(crate) fn read_u64(&self, ptr: u32) -> Result<u64, Errno> {
        Ok(u64::from_le_bytes(self.slice(ptr, 8)?.try_into().unwrap()))
    }

    pub(crate) fn read_u16(&self, ptr: u32) -> Result<u16, Errno> {
        Ok(u16::from_le_bytes(self.slice(ptr, 2)?.try_into().unwrap()))
    }

    pub(crate) fn read_u8(&self, ptr: u32) -> Result<u8, Errno> {
        Ok(self.slice(ptr, 1)?[0])
    }

    pub(crate) fn write_u8(&mut self, ptr: u32, v: u8) -> Result<(), Errno> {
        self.write(ptr, &[v])
    }

    pub(crate) fn write_u16(&mut self, ptr: u32, v: u16) -> Result<(), Errno> {
        self.write(ptr, &v.to_le_bytes())
    }

    pub(crate) fn write_u32(&mut self, ptr: u32, v: u32) -> Result<(), Errno> {
        self.write(ptr, &v.to_le_bytes())
    }

    pub(crate) fn write_u64(&mut self, ptr: u32, v: u64) -> Result<(), Errno> {
        self.write(ptr, &v.to_le_bytes())
    }

    /// The `(buf, len)` pairs of an iovec/ciovec array of `n` entries at
    /// `ptr`, each checked to lie inside memory.
    pub(crate) fn iovecs(&self, ptr: u32, n: u32) -> Result<Vec<(u32, u32)>, Errno> {
        let table = self.slice(ptr, n.checked_mul(8).ok_or(Errno::FAULT)?)?;
        let mut out = Vec::with_capacity(n as usize);
        for e in table.chunks_exact(8) {
            let buf = u32::from_le_bytes(e[0..4].try_into().unwrap());
            let len = u32::from_le_bytes(e[4..8].try_into().unwrap());
            self.range(buf, len)?;
            out.push((buf, len));
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn out_of_bounds_is_fault() {
        let mut bytes = [0u8; 16];
        let mut m = Mem::new(&mut bytes);
        m.write_u32(12, 7).unwrap();
        assert_eq!(m.read_u32(12), Ok(7));
        assert_eq!(m.write_u32(13, 1), Err(Errno::FAULT));
        assert_eq!(m.slice(u32::MAX, 2).err(), Some(Errno::FAULT));
        // An iovec pointing past the end faults before anything is read.
        m.write_u32(0, 8).unwrap();
        m.write_u32(4, 100).unwrap();
        assert_eq!(m.iovecs(0, 1).err(), Some(Errno::FAULT));
        assert_eq!(m.iovecs(0, u32::MAX).err(), Some(Errno::FAULT));
    }
}
