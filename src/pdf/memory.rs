//! Memory around PDF rendering. A document's layout, its printpdf object tree, the font
//! subsets and the written bytes take tens of MB for a moment; left alone, glibc keeps the
//! freed pages (per thread arena) and the process never shrinks, and several renders at
//! once add up. So: at most [`AT_ONCE`] renders run together (the others wait on the
//! blocking pool, never on the async runtime), and when the last one ends the allocator
//! hands its free pages back to the system (`malloc_trim`).
use std::sync::{Condvar, Mutex};

/// Renders at once: two keep both cores of a small server busy without doubling the peak
/// again for every extra request.
pub const AT_ONCE: usize = 2;

static BUSY: Mutex<usize> = Mutex::new(0);
static FREED: Condvar = Condvar::new();

/// A place among the renders running; released (and memory returned) on drop.
pub struct Permit(());

/// Wait for a place among the renders (a blocking wait: call it on the blocking pool).
pub fn permit() -> Permit {
    let mut n = BUSY.lock().unwrap_or_else(|e| e.into_inner());
    while *n >= AT_ONCE {
        n = FREED.wait(n).unwrap_or_else(|e| e.into_inner());
    }
    *n += 1;
    Permit(())
}

impl Drop for Permit {
    fn drop(&mut self) {
        let last = {
            let mut n = BUSY.lock().unwrap_or_else(|e| e.into_inner());
            *n = n.saturating_sub(1);
            *n == 0
        };
        FREED.notify_one();
        if last {
            release_free_memory();
        }
    }
}

/// Return the allocator's free memory to the system (glibc only; elsewhere nothing to do).
pub fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `malloc_trim` takes no pointers; it releases glibc's own free pages under
    // glibc's own locks, so it is safe from any thread at any time.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Let the system drop the resident pages of read-only data embedded in the binary
/// (`include_bytes!`) once it has been copied out: the CJK fonts are parsed into the heap
/// (printpdf keeps its own copy for subsetting), and reading them to do so made all 33 MB
/// of the embedded files resident a second time. The pages are file-backed and never
/// written, so dropping them loses nothing: a later read faults them back in from the
/// binary. Only whole pages inside `data` are touched.
pub fn forget_pages(data: &'static [u8]) {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        // SAFETY: `sysconf` only reads a system constant.
        let page = usize::try_from(unsafe { libc::sysconf(libc::_SC_PAGESIZE) }).unwrap_or(4096).max(1);
        let start = data.as_ptr() as usize;
        let first = start.div_ceil(page) * page;
        let end = (start + data.len()) / page * page;
        if end > first {
            // SAFETY: the range lies inside a `'static` read-only slice of the binary's
            // file-backed image; MADV_DONTNEED on such a private, never-written mapping
            // only drops resident copies, the contents stay what the file holds.
            unsafe {
                libc::madvise(first as *mut libc::c_void, end - first, libc::MADV_DONTNEED);
            }
        }
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    let _ = data;
}

/// Cap glibc's malloc arenas (by default eight per core, each keeping its own free pages):
/// the server's threads share two, so memory freed by one is reused by the next.
/// Called once at start, before the runtime's threads exist.
pub fn limit_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `mallopt` takes two integers and only sets a glibc tunable.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn permits_are_counted_and_returned() {
        let a = super::permit();
        let b = super::permit();
        assert_eq!(*super::BUSY.lock().unwrap(), 2);
        drop(a);
        let c = std::thread::spawn(|| {
            let _p = super::permit();
        });
        c.join().unwrap();
        drop(b);
        assert_eq!(*super::BUSY.lock().unwrap(), 0);
    }
}
