//! The real terminal: setup and guaranteed restore, and the one event loop.

use std::io::{self, BufWriter, Stdout, Write};

use crossterm::event::EventStream;
use crossterm::terminal::{
    self, BeginSynchronizedUpdate, EndSynchronizedUpdate, EnterAlternateScreen,
    LeaveAlternateScreen,
};
use crossterm::{cursor, execute, queue};
use futures_util::StreamExt;
use ratatui::backend::CrosstermBackend;
use ratatui::layout::Rect;
use ratatui::Terminal;
use tokio::sync::mpsc;

use crate::tui::app::{update, App};
use crate::tui::clock::Clock;
use crate::tui::effects::Executor;
use crate::tui::msg::Msg;
use crate::tui::screens::view;
use crate::tui::{ThemeName, TuiOptions};

type Term = Terminal<CrosstermBackend<BufWriter<Stdout>>>;

/// Puts the terminal back: raw mode off, main screen, cursor shown. Safe to call twice.
fn restore_terminal() {
    let _ = terminal::disable_raw_mode();
    let _ = execute!(
        io::stdout(),
        EndSynchronizedUpdate,
        LeaveAlternateScreen,
        cursor::Show
    );
}

/// Restores on drop, so every exit path (return, `?`, unwinding panic) restores.
struct TerminalGuard;

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore_terminal();
    }
}

/// A panic restores the terminal first, so the message is readable, then reports as before.
fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore_terminal();
        previous(info);
    }));
}

pub async fn run(opts: TuiOptions) -> anyhow::Result<()> {
    install_panic_hook();
    terminal::enable_raw_mode()?;
    let guard = TerminalGuard;
    execute!(io::stdout(), EnterAlternateScreen)?;
    let mut term = Terminal::new(CrosstermBackend::new(BufWriter::new(io::stdout())))?;
    let size = term.size()?;
    let mut app = App::new(
        ThemeName::from_env_or(opts.theme),
        opts.ascii,
        Clock::System,
        Rect::new(0, 0, size.width, size.height),
    );
    app.set_lock_after(opts.lock_after);
    let (tx, rx) = mpsc::unbounded_channel();
    let executor = Executor::new(opts.client, tx);
    let result = event_loop(&mut term, &mut app, &executor, rx).await;
    if executor.logged_in() {
        let _ = tokio::time::timeout(std::time::Duration::from_secs(2), executor.logout()).await;
    }
    drop(guard);
    result
}

async fn event_loop(
    term: &mut Term,
    app: &mut App,
    executor: &Executor,
    mut replies: mpsc::UnboundedReceiver<Msg>,
) -> anyhow::Result<()> {
    let mut events = EventStream::new();
    for effect in app.init() {
        executor.spawn(effect);
    }
    loop {
        if app.should_quit() {
            return Ok(());
        }
        if app.is_dirty() {
            draw(term, app)?;
        }
        let deadline = match (app.deadline(), app.lock_deadline()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        let sleep = async move {
            match deadline {
                Some(at) => tokio::time::sleep_until(at.into()).await,
                None => std::future::pending().await,
            }
        };
        let first = tokio::select! {
            event = events.next() => match event {
                Some(event) => Msg::from_terminal(event?),
                None => return Ok(()),
            },
            Some(reply) = replies.recv() => Some(reply),
            () = sleep => Some(Msg::DeadlineReached),
        };
        // Apply everything already waiting before drawing once. Polled inside
        // `select!` (not `now_or_never`): crossterm's stream keeps the waker of the
        // poll that found it empty, and a no-op waker would never wake the loop again.
        let mut pending: Vec<Msg> = first.into_iter().collect();
        loop {
            tokio::select! {
                biased;
                Some(reply) = replies.recv() => pending.push(reply),
                Some(event) = events.next() => pending.extend(Msg::from_terminal(event?)),
                () = std::future::ready(()) => break,
            }
        }
        for msg in pending {
            for effect in update(app, msg) {
                executor.spawn(effect);
            }
        }
    }
}

/// One frame inside a synchronized update, so slow links never show half a frame.
fn draw(term: &mut Term, app: &mut App) -> io::Result<()> {
    queue!(term.backend_mut(), BeginSynchronizedUpdate)?;
    term.draw(|frame| view(app, frame))?;
    queue!(term.backend_mut(), EndSynchronizedUpdate)?;
    term.backend_mut().flush()?;
    app.mark_drawn();
    Ok(())
}
