//! The real app, update, view and effect executor without a real terminal: for
//! black-box tests against a running server (with `TestBackend`) and for
//! benchmarks that count bytes (with any other backend).

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::{Backend, TestBackend};
use ratatui::layout::Rect;
use ratatui::Terminal;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::client::Client;
use crate::tui::app::{update, App};
use crate::tui::clock::Clock;
use crate::tui::effects::Executor;
use crate::tui::msg::{Effect, Msg};
use crate::tui::screens::view;
use crate::tui::theme::ThemeName;

pub struct Headless<B: Backend> {
    app: App,
    terminal: Terminal<B>,
    executor: Executor,
    replies: mpsc::UnboundedReceiver<Msg>,
    running: Vec<JoinHandle<()>>,
}

impl Headless<TestBackend> {
    /// A headless TUI of `width` x `height` talking to the server behind `client`.
    /// Start-up effects are already running; call `settle` to see their results.
    pub async fn connect(
        client: Client,
        width: u16,
        height: u16,
        theme: ThemeName,
        ascii: bool,
    ) -> Self {
        let terminal =
            Terminal::new(TestBackend::new(width, height)).expect("a TestBackend never fails");
        Self::start(client, terminal, theme, ascii)
    }

    /// The screen as text, one line per row.
    pub fn screen(&self) -> String {
        let buffer = self.terminal.backend().buffer();
        let mut out = String::new();
        for y in 0..buffer.area.height {
            for x in 0..buffer.area.width {
                out.push_str(buffer[(x, y)].symbol());
            }
            out.push('\n');
        }
        out
    }

    pub fn resize(&mut self, width: u16, height: u16) {
        self.terminal.backend_mut().resize(width, height);
        self.apply(Msg::Resize { width, height });
    }
}

impl<B: Backend> Headless<B> {
    pub fn with_backend(
        client: Client,
        backend: B,
        theme: ThemeName,
        ascii: bool,
    ) -> std::io::Result<Self> {
        Ok(Self::start(client, Terminal::new(backend)?, theme, ascii))
    }

    fn start(client: Client, terminal: Terminal<B>, theme: ThemeName, ascii: bool) -> Self {
        let size = terminal.size().unwrap_or_default();
        let app = App::new(
            theme,
            ascii,
            Clock::System,
            Rect::new(0, 0, size.width, size.height),
        );
        let (tx, replies) = mpsc::unbounded_channel();
        let mut headless = Headless {
            app,
            terminal,
            executor: Executor::new(client, tx),
            replies,
            running: vec![],
        };
        let effects = headless.app.init();
        headless.spawn(effects);
        headless
    }

    pub fn app(&self) -> &App {
        &self.app
    }

    /// Dates the app from `clock` rather than the system's, as its server does.
    pub fn set_clock(&mut self, clock: Clock) {
        self.app.set_clock(clock);
    }

    pub fn set_lock_after(&mut self, after: std::time::Duration) {
        self.app.set_lock_after(after);
    }

    /// Behaves as if nobody had touched a key for `idle`: the idle lock's deadline fires.
    pub fn idle_for(&mut self, idle: std::time::Duration) {
        self.app.pretend_idle(idle);
        self.apply(Msg::DeadlineReached);
    }

    /// Polls the inbox this often instead of every 15 seconds, so a test need not wait.
    pub fn set_inbox_poll(&mut self, every: std::time::Duration) {
        self.app.inbox.poll_every = every;
        if self.app.inbox.poll_at.is_some() {
            self.app.inbox.schedule_poll(std::time::Instant::now());
        }
    }

    pub fn terminal(&self) -> &Terminal<B> {
        &self.terminal
    }

    fn spawn(&mut self, effects: Vec<Effect>) {
        for effect in effects {
            self.running.push(self.executor.spawn(effect));
        }
    }

    fn apply(&mut self, msg: Msg) {
        let effects = update(&mut self.app, msg);
        self.spawn(effects);
    }

    pub fn press(&mut self, key: KeyCode) {
        self.press_with(KeyEvent::new(key, KeyModifiers::NONE));
    }

    pub fn press_with(&mut self, key: KeyEvent) {
        self.apply(Msg::Key(key));
    }

    pub fn type_str(&mut self, s: &str) {
        for c in s.chars() {
            self.press(KeyCode::Char(c));
        }
    }

    /// Fires any pending deadline now, runs every queued effect to completion and
    /// applies the replies, until nothing is left to do; then draws if dirty.
    pub async fn settle(&mut self) {
        if self.app.deadline().is_some() {
            self.apply(Msg::DeadlineReached);
        }
        loop {
            for task in std::mem::take(&mut self.running) {
                // A panicking task would be a bug the test should see.
                if let Err(e) = task.await {
                    std::panic::resume_unwind(e.into_panic());
                }
            }
            let mut quiet = true;
            while let Ok(msg) = self.replies.try_recv() {
                quiet = false;
                self.apply(msg);
            }
            if self.app.search_pending() {
                quiet = false;
                self.apply(Msg::DeadlineReached);
            }
            if quiet && self.running.is_empty() {
                break;
            }
        }
        self.draw();
    }

    /// Draws if anything changed since the last frame; returns whether it drew.
    pub fn draw(&mut self) -> bool {
        if !self.app.is_dirty() {
            return false;
        }
        let app = &self.app;
        if self.terminal.draw(|frame| view(app, frame)).is_err() {
            return false;
        }
        self.app.mark_drawn();
        true
    }
}
