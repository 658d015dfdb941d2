//! The global allocator of the command line (and of the benchmarks, which
//! include this file, so that they measure what users run).
//!
//! jemalloc instead of the system allocator: an audit makes about 1,200 small
//! allocations per article (findings, ledger, report strings), and glibc's
//! malloc and free took about 13 % of a one-job run. With jemalloc the same
//! run takes 10-17 % less CPU, one article 30 % less wall time (BENCHMARKS.md,
//! "jemalloc (2026-11-30, seventh session)"). Not on MSVC, where the crate
//! does not build.

#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// jemalloc's options, read when it starts:
/// - freed pages go back to the system after one second instead of ten:
///   with the default, 107,541 files peaked at 97 MB against glibc's 81;
///   with one second, at 88-92 MB, and no slower;
/// - each thread's cache keeps freed blocks of up to 4 KiB, not 32 KiB:
///   1-3 MB less again with two jobs, 16 MB with sixteen, at the same speed.
#[cfg(not(target_env = "msvc"))]
#[unsafe(export_name = "_rjem_malloc_conf")]
static MALLOC_CONF: MallocConf = MallocConf(c"dirty_decay_ms:1000,tcache_max:4096".as_ptr());

/// A C string pointer that may live in a `static` (jemalloc reads a
/// `const char *`).
#[cfg(not(target_env = "msvc"))]
#[repr(transparent)]
struct MallocConf(*const std::ffi::c_char);

// SAFETY: it points at a string literal, which is never written.
#[cfg(not(target_env = "msvc"))]
unsafe impl Sync for MallocConf {}
