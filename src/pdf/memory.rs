//! Memory around PDF rendering. A document's layout, its printpdf object tree, the font
//! subsets and the written bytes take tens of MB for a moment; left alone, glibc keeps the
//! freed pages (per thread arena) and the process never shrinks, and several renders at
//! once add up. So: at most [`AT_ONCE`] renders run together (the others wait on the
//! blocking pool, never on the async runtime), and when the last one ends the allocator
//! hands its free pages back to the system (`malloc_trim`) and the fonts' mapped pages
//! are dropped (see [`mapped`]).
use std::sync::{Arc, Condvar, Mutex};

/// A font's bytes as the font parser keeps them (shared, never copied per document).
pub type FontBytes = Arc<rust_fontconfig::FontBytes>;

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
            forget_mapped();
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

/// Every few seconds, hand the allocator's free memory back to the system, off the async
/// runtime. glibc keeps what a burst freed (the startup sweeps over every project, the
/// 1,000-project portfolio, a PDF's layout) in its arenas for ever otherwise; one trimmer
/// for the whole process instead of a call after each heavy piece of work. A trim with
/// nothing to free costs microseconds.
pub fn spawn_trimmer() {
    tokio::spawn(async {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(5));
        loop {
            tick.tick().await;
            let _ = tokio::task::spawn_blocking(release_free_memory).await;
        }
    });
}

/// Let the system drop the resident pages of read-only data embedded in the binary
/// (`include_bytes!`) once it has been read: where the CJK fonts cannot be [`mapped`] they
/// are copied into the heap (printpdf's own way), and reading them to do so made all 33 MB
/// of the embedded files resident a second time. The pages are file-backed and never
/// written, so dropping them loses nothing: a later read faults them back in from the
/// binary. Only whole pages inside `data` are touched.
pub fn forget_pages(data: &'static [u8]) {
    // SAFETY: a `'static` read-only slice of the binary's file-backed image.
    unsafe { drop_pages(data) }
}

/// Drop the resident copies of the whole pages inside `data`.
///
/// # Safety
/// `data` must lie in a read-only, file-backed mapping that is never written: dropping its
/// pages then loses nothing (a later read faults them back in from the file).
unsafe fn drop_pages(data: &[u8]) {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        // SAFETY: `sysconf` only reads a system constant.
        let page = usize::try_from(unsafe { libc::sysconf(libc::_SC_PAGESIZE) }).unwrap_or(4096).max(1);
        let start = data.as_ptr() as usize;
        let first = start.div_ceil(page) * page;
        let end = (start + data.len()) / page * page;
        if end > first {
            // SAFETY: the range lies inside `data`, which the caller vouches for: its
            // contents stay what the file holds.
            unsafe {
                libc::madvise(first as *mut libc::c_void, end - first, libc::MADV_DONTNEED);
            }
        }
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    let _ = data;
}

/// The mappings [`mapped`] made, whose resident pages are dropped after renders.
static MAPPED: Mutex<Vec<FontBytes>> = Mutex::new(Vec::new());

/// Bytes embedded in the executable (`include_bytes!`), mapped a second time straight from
/// the executable file, read-only, for a consumer that wants to own its bytes (the font
/// parser keeps an `Arc` of them): nothing is copied into the heap, only the pages that
/// are read become resident, and [`forget_mapped`] drops them again. The place in the file
/// comes from `/proc/self/maps`; the mapping must read as `data` does (checked at its
/// start, middle and end). `None` where any of this is not available: the caller copies.
pub fn mapped(data: &'static [u8]) -> Option<FontBytes> {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        use std::os::unix::fs::MetadataExt;
        if data.is_empty() {
            return None;
        }
        let exe = std::fs::File::open("/proc/self/exe").ok()?;
        let inode = exe.metadata().ok()?.ino();
        let start = data.as_ptr() as usize;
        let end = start.checked_add(data.len())?;
        let maps = std::fs::read_to_string("/proc/self/maps").ok()?;
        let offset = maps.lines().find_map(|line| {
            // start-end perms offset dev inode path
            let f: Vec<&str> = line.split_whitespace().collect();
            let (lo, hi) = f.first()?.split_once('-')?;
            let (lo, hi) = (usize::from_str_radix(lo, 16).ok()?, usize::from_str_radix(hi, 16).ok()?);
            let off = u64::from_str_radix(f.get(2)?, 16).ok()?;
            let ino: u64 = f.get(4)?.parse().ok()?;
            (lo <= start && end <= hi && ino == inode).then(|| off.checked_add((start - lo) as u64)).flatten()
        })?;
        // SAFETY: a read-only mapping of the running executable, which is not written
        // while it runs (the system refuses to: ETXTBSY); the bytes are checked below.
        let map = unsafe { mmapio::MmapOptions::new().offset(offset).len(data.len()).map(&exe) }.ok()?;
        let n = data.len().min(4096);
        let mid = data.len() / 2;
        let same = map.len() == data.len()
            && map[..n] == data[..n]
            && map[mid..mid + n.min(data.len() - mid)] == data[mid..mid + n.min(data.len() - mid)]
            && map[data.len() - n..] == data[data.len() - n..];
        if !same {
            return None;
        }
        forget_pages(data);
        let bytes: FontBytes = Arc::new(rust_fontconfig::FontBytes::Mmapped(map));
        MAPPED.lock().unwrap_or_else(|e| e.into_inner()).push(bytes.clone());
        Some(bytes)
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    {
        let _ = data;
        None
    }
}

/// Drop the resident pages of the mappings [`mapped`] made (read again from the file
/// when next needed).
pub fn forget_mapped() {
    let maps = MAPPED.lock().unwrap_or_else(|e| e.into_inner());
    for m in maps.iter() {
        // SAFETY: the mapping lives as long as `MAPPED` holds it (for ever); see `drop_pages`.
        unsafe { drop_pages(m.as_slice()) };
    }
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
