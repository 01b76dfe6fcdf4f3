//! Where the command writes: the process's stdout and stderr, or memory (for tests and
//! programs that show the output themselves).

use std::io::{IsTerminal as _, Write};
use std::sync::{Arc, Mutex, MutexGuard};

type Sink = Arc<Mutex<Box<dyn Write + Send>>>;

/// The command's two output streams, and whether stderr is a terminal (for the progress bar).
#[derive(Clone)]
pub struct Console {
    out: Sink,
    err: Sink,
    terminal: bool,
}

impl std::fmt::Debug for Console {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Console")
            .field("terminal", &self.terminal)
            .finish_non_exhaustive()
    }
}

/// What a [`Console::memory`] console received.
#[derive(Debug, Clone, Default)]
pub struct Captured {
    out: Arc<Mutex<Vec<u8>>>,
    err: Arc<Mutex<Vec<u8>>>,
}

struct SharedBuffer(Arc<Mutex<Vec<u8>>>);

fn locked<T: ?Sized>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A writer that panicked mid-line leaves a usable buffer: keep writing.
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Write for SharedBuffer {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        locked(&self.0).extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    /// Everything written to stdout.
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&locked(&self.out)).into_owned()
    }

    /// Everything written to stderr.
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&locked(&self.err)).into_owned()
    }
}

impl Console {
    /// The process's stdout and stderr.
    pub fn stdio() -> Console {
        Console {
            out: Arc::new(Mutex::new(Box::new(std::io::stdout()))),
            err: Arc::new(Mutex::new(Box::new(std::io::stderr()))),
            terminal: std::io::stderr().is_terminal(),
        }
    }

    /// Two buffers in memory (never a terminal), and the handle that reads them.
    pub fn memory() -> (Console, Captured) {
        let captured = Captured::default();
        let console = Console {
            out: Arc::new(Mutex::new(Box::new(SharedBuffer(captured.out.clone())))),
            err: Arc::new(Mutex::new(Box::new(SharedBuffer(captured.err.clone())))),
            terminal: false,
        };
        (console, captured)
    }

    /// True when stderr is a terminal.
    pub fn is_terminal(&self) -> bool {
        self.terminal
    }

    /// Writes a line to stdout.
    pub fn out(&self, line: &str) {
        let mut out = locked(&self.out);
        let _ = writeln!(out, "{line}");
        let _ = out.flush();
    }

    /// Writes a line to stderr.
    pub fn err(&self, line: &str) {
        let mut err = locked(&self.err);
        let _ = writeln!(err, "{line}");
        let _ = err.flush();
    }
}
