//! Arguments, environment, clocks, randomness, `poll_oneoff`, processes and
//! sockets (which a preview 1 guest cannot open: every fd is "not a socket").

use super::errno;
use super::mem::Mem;
use super::{Errno, FdKind, WasiCtx};
use std::time::Duration;

/// Writes a list of strings the way `args_get`/`environ_get` return them:
/// NUL-terminated strings packed at `buf`, a pointer to each at `ptrs`.
fn put_strings(m: &mut Mem<'_>, list: &[String], ptrs: u32, buf: u32) -> Result<(), Errno> {
    let mut at = buf;
    for (i, s) in list.iter().enumerate() {
        m.write_u32(ptrs.wrapping_add(4 * i as u32), at)?;
        m.write(at, s.as_bytes())?;
        m.write_u8(at.wrapping_add(s.len() as u32), 0)?;
        at = at.wrapping_add(s.len() as u32 + 1);
    }
    Ok(())
}

fn put_sizes(m: &mut Mem<'_>, list: &[String], count: u32, size: u32) -> Result<(), Errno> {
    let bytes: usize = list.iter().map(|s| s.len() + 1).sum();
    m.write_u32(count, list.len() as u32)?;
    m.write_u32(size, u32::try_from(bytes).map_err(|_| Errno::OVERFLOW)?)
}

pub(crate) fn args_get(cx: &mut WasiCtx, m: &mut Mem<'_>, a: &[u64]) -> Result<(), Errno> {
    put_strings(m, &cx.args, a[0] as u32, a[1] as u32)
}

pub(crate) fn args_sizes_get(cx: &mut WasiCtx, m: &mut Mem<'_>, a: &[u64]) -> Result<(), Errno> {
    put_sizes(m, &cx.args, a[0] as u32, a[1] as u32)
}

pub(crate) fn environ_get(cx: &mut WasiCtx, m: &mut Mem<'_>, a: &[u64]) -> Result<(), Errno> {
    put_strings(m, &cx.env, a[0] as u32, a[1] as u32)
}

pub(crate) fn environ_sizes_get(cx: &mut WasiCtx, m: &mut Mem<'_>, a: &[u64]) -> Result<(), Errno> {
    put_sizes(m, &cx.env, a[0] as u32, a[1] as u32)
}

/// The host clock behind a WASI clock id: realtime, monotonic, process and
/// thread CPU time.
fn host_clock(id: u32) -> Result<libc::clockid_t, Errno> {
    Ok(match id {
        0 => libc::CLOCK_REALTIME,
        1 => libc::CLOCK_MONOTONIC,
        2 => libc::CLOCK_PROCESS_CPUTIME_ID,
        3 => libc::CLOCK_THREAD_CPUTIME_ID,
        _ => return Err(Errno::INVAL),
    })
}

fn timespec_ns(t: &libc::timespec) -> u64 {
    (t.tv_sec as u64)
        .wrapping_mul(1_000_000_000)
        .wrapping_add(t.tv_nsec as u64)
}

/// The current time of host clock `clock` in nanoseconds.
fn now(clock: libc::clockid_t) -> Result<u64, Errno> {
    let mut t = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `t` is a valid timespec for the call to fill.
    if unsafe { libc::clock_gettime(clock, &mut t) } != 0 {
        return Err(errno::last());
    }
    Ok(timespec_ns(&t))
}

pub(crate) fn clock_res_get(_: &mut WasiCtx, m: &mut Mem<'_>, a: &[u64]) -> Result<(), Errno> {
    let clock = host_clock(a[0] as u32)?;
    let mut t = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `t` is a valid timespec for the call to fill.
    if unsafe { libc::clock_getres(clock, &mut t) } != 0 {
        return Err(errno::last());
    }
    m.write_u64(a[1] as u32, timespec_ns(&t).max(1))
}

pub(crate) fn clock_time_get(_: &mut WasiCtx, m: &mut Mem<'_>, a: &[u64]) -> Result<(), Errno> {
    let t = now(host_clock(a[0] as u32)?)?;
    m.write_u64(a[2] as u32, t)
}

pub(crate) fn random_get(_: &mut WasiCtx, m: &mut Mem<'_>, a: &[u64]) -> Result<(), Errno> {
    let buf = m.slice_mut(a[0] as u32, a[1] as u32)?;
    let mut done = 0;
    while done < buf.len() {
        let rest = &mut buf[done..];
        // SAFETY: the kernel writes at most `rest.len()` bytes into `rest`.
        let n = unsafe { libc::getrandom(rest.as_mut_ptr().cast(), rest.len(), 0) };
        if n < 0 {
            let e = errno::last();
            if e == Errno::INTR {
                continue;
            }
            return Err(e);
        }
        done += n as usize;
    }
    Ok(())
}

pub(crate) fn proc_raise(_: &mut WasiCtx, _: &mut Mem<'_>, _: &[u64]) -> Result<(), Errno> {
    Err(Errno::NOTSUP)
}

pub(crate) fn sched_yield(_: &mut WasiCtx, _: &mut Mem<'_>, _: &[u64]) -> Result<(), Errno> {
    std::thread::yield_now();
    Ok(())
}

/// No preview 1 guest can hold a socket: an open fd is `NOTSOCK`, another `BADF`.
fn not_a_socket(cx: &mut WasiCtx, fd: u64) -> Result<(), Errno> {
    cx.fd(fd as u32)?;
    Err(Errno::NOTSOCK)
}

pub(crate) fn sock_accept(cx: &mut WasiCtx, _: &mut Mem<'_>, a: &[u64]) -> Result<(), Errno> {
    not_a_socket(cx, a[0])
}

pub(crate) fn sock_recv(cx: &mut WasiCtx, _: &mut Mem<'_>, a: &[u64]) -> Result<(), Errno> {
    not_a_socket(cx, a[0])
}

pub(crate) fn sock_send(cx: &mut WasiCtx, _: &mut Mem<'_>, a: &[u64]) -> Result<(), Errno> {
    not_a_socket(cx, a[0])
}

pub(crate) fn sock_shutdown(cx: &mut WasiCtx, _: &mut Mem<'_>, a: &[u64]) -> Result<(), Errno> {
    not_a_socket(cx, a[0])
}

const EVENTTYPE_CLOCK: u8 = 0;
const EVENTTYPE_FD_READ: u8 = 1;
const EVENTTYPE_FD_WRITE: u8 = 2;
const SUBCLOCK_ABSTIME: u16 = 1;
const EVENT_HANGUP: u16 = 1;

/// One decoded subscription.
enum Sub {
    /// Fires `deadline` ns of the monotonic clock.
    Clock { deadline: u64 },
    /// An fd subscription: ready now, or wait on a host descriptor.
    Fd {
        ty: u8,
        host: Option<(i32, i16)>,
        hangup: bool,
    },
}

/// `poll_oneoff(in, out, nsubscriptions, nevents)`: waits until at least one
/// subscription is ready (a clock has expired, an fd can be read or written)
/// and reports every ready one. Files and in-memory streams are always ready;
/// an inherited stdin waits on the host's descriptor.
pub(crate) fn poll_oneoff(cx: &mut WasiCtx, m: &mut Mem<'_>, a: &[u64]) -> Result<(), Errno> {
    let (subs_ptr, events_ptr, n, nevents_ptr) =
        (a[0] as u32, a[1] as u32, a[2] as u32, a[3] as u32);
    if n == 0 {
        return Err(Errno::INVAL);
    }
    let start = now(libc::CLOCK_MONOTONIC)?;
    let mut subs = Vec::with_capacity(n as usize);
    for i in 0..n {
        let at = subs_ptr.wrapping_add(i.wrapping_mul(48));
        m.slice(at, 48)?;
        let userdata = m.read_u64(at)?;
        let tag = m.read_u8(at + 8)?;
        let sub = match tag {
            EVENTTYPE_CLOCK => {
                let id = m.read_u32(at + 16)?;
                let timeout = m.read_u64(at + 24)?;
                let abs = m.read_u16(at + 40)? & SUBCLOCK_ABSTIME != 0;
                let deadline = match (id, abs) {
                    (0 | 1, false) => start.saturating_add(timeout),
                    (1, true) => timeout,
                    (0, true) => {
                        let wall = now(libc::CLOCK_REALTIME)?;
                        start.saturating_add(timeout.saturating_sub(wall))
                    }
                    _ => return Err(Errno::INVAL),
                };
                Sub::Clock { deadline }
            }
            EVENTTYPE_FD_READ | EVENTTYPE_FD_WRITE => {
                let fd = m.read_u32(at + 16)?;
                let entry = cx.fd(fd)?;
                let read = tag == EVENTTYPE_FD_READ;
                let (host, hangup) = match (&entry.kind, read) {
                    (FdKind::Stdin(input), true) => {
                        (input.host_fd().map(|h| (h, libc::POLLIN)), false)
                    }
                    (FdKind::Output(_), false) => (None, false),
                    (FdKind::File(f), _) => (None, read && super::fs::at_eof(f)),
                    _ => return Err(Errno::BADF),
                };
                Sub::Fd {
                    ty: tag,
                    host,
                    hangup,
                }
            }
            _ => return Err(Errno::INVAL),
        };
        subs.push((userdata, sub));
    }

    // Wait: poll the host descriptors (if any) until the earliest clock.
    let mut ready = vec![false; subs.len()];
    loop {
        let t = now(libc::CLOCK_MONOTONIC)?;
        let mut any = false;
        let mut earliest: Option<u64> = None;
        let mut pollfds = Vec::new();
        for (i, (_, sub)) in subs.iter().enumerate() {
            match *sub {
                Sub::Clock { deadline } if deadline <= t => ready[i] = true,
                Sub::Clock { deadline } => {
                    earliest = Some(earliest.map_or(deadline, |e| e.min(deadline)))
                }
                Sub::Fd { host: None, .. } => ready[i] = true,
                Sub::Fd {
                    host: Some((fd, events)),
                    ..
                } => pollfds.push((
                    i,
                    libc::pollfd {
                        fd,
                        events,
                        revents: 0,
                    },
                )),
            }
            any |= ready[i];
        }
        let timeout_ms: i32 = if any {
            0
        } else {
            match earliest {
                // Round up so a sleep never ends early.
                Some(d) => ((d - t).div_ceil(1_000_000)).min(i32::MAX as u64) as i32,
                None => -1,
            }
        };
        if pollfds.is_empty() {
            if any {
                break;
            }
            if let Some(d) = earliest {
                std::thread::sleep(Duration::from_nanos(d - t));
            }
            continue;
        }
        let mut raw: Vec<libc::pollfd> = pollfds.iter().map(|(_, p)| *p).collect();
        // SAFETY: `raw` is a valid array of `raw.len()` pollfd structs.
        let r = unsafe { libc::poll(raw.as_mut_ptr(), raw.len() as libc::nfds_t, timeout_ms) };
        if r < 0 {
            let e = errno::last();
            if e == Errno::INTR {
                continue;
            }
            return Err(e);
        }
        for ((i, _), p) in pollfds.iter().zip(&raw) {
            if p.revents != 0 {
                ready[*i] = true;
                any = true;
            }
        }
        if any {
            // Clocks that expired while polling count too.
            let t = now(libc::CLOCK_MONOTONIC)?;
            for (i, (_, sub)) in subs.iter().enumerate() {
                if let Sub::Clock { deadline } = sub {
                    ready[i] |= *deadline <= t;
                }
            }
            break;
        }
    }

    let mut count = 0u32;
    for ((userdata, sub), _) in subs.iter().zip(&ready).filter(|(_, r)| **r) {
        let at = events_ptr.wrapping_add(count.wrapping_mul(32));
        m.slice_mut(at, 32)?.fill(0);
        m.write_u64(at, *userdata)?;
        match *sub {
            Sub::Clock { .. } => m.write_u8(at + 10, EVENTTYPE_CLOCK)?,
            Sub::Fd { ty, hangup, .. } => {
                m.write_u8(at + 10, ty)?;
                m.write_u64(at + 16, 1)?;
                m.write_u16(at + 24, if hangup { EVENT_HANGUP } else { 0 })?;
            }
        }
        count += 1;
    }
    m.write_u32(nevents_ptr, count)
}
