//! The scorecard for a spreadsheet: CSV whose cells a spreadsheet never runs as formulas.

use super::Scorecard;
use super::console::Investigation;
use crate::grading::Verdict;

impl Scorecard {
    /// One row per rubric item, then one per follow-up question, then one per command the
    /// candidate ran and a `path score` row, for a spreadsheet (a gauntlet's: see
    /// [`gauntlet_csv`]). A follow-up's `interviewer` column says `asked` (or nothing) and
    /// `marked_at` when; a command's says what the interviewer answered, its `grader` column
    /// the step it matched. Every cell is [`spreadsheet_safe`]: item texts, questions and
    /// commands come from content and the candidate.
    pub fn to_csv(&self) -> Result<String, csv::Error> {
        if self.kind == "gauntlet" {
            return gauntlet_csv(self);
        }
        let mut out = csv::Writer::from_writer(Vec::new());
        let mut write = |cells: [&str; 7]| {
            let cells = cells.map(spreadsheet_safe);
            out.write_record(cells.iter().map(|c| c.as_bytes()))
        };
        write([
            "kind",
            "item",
            "text",
            "weight",
            "interviewer",
            "marked_at",
            "grader",
        ])?;
        let when = |at: Option<i64>| at.map_or_else(String::new, crate::utc::format);
        for item in &self.items {
            write([
                "rubric item",
                item.id.as_str(),
                item.text.as_str(),
                &item.weight.to_string(),
                item.interviewer.map_or("", Verdict::as_str),
                &when(item.ticked_at),
                item.grader.as_str(),
            ])?;
        }
        for question in &self.follow_ups {
            write([
                "follow-up",
                &format!("follow-up-{}", question.number),
                question.question.as_str(),
                "",
                if question.asked_at.is_some() {
                    "asked"
                } else {
                    ""
                },
                &when(question.asked_at),
                "",
            ])?;
        }
        if let Some(investigation) = &self.investigation {
            for cells in command_rows(investigation) {
                write(cells.each_ref().map(String::as_str))?;
            }
        }
        let bytes = out.into_inner().map_err(|e| e.into_error())?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }
}

/// The candidate's commands, in a scenario's CSV columns: the matcher's reading where the
/// grader's verdict goes, the interviewer's answer where theirs goes; then the path score. No
/// rows when the candidate ran no command.
fn command_rows(i: &Investigation) -> Vec<[String; 7]> {
    if i.commands.is_empty() {
        return Vec::new();
    }
    let mut rows: Vec<[String; 7]> = i
        .commands
        .iter()
        .map(|c| {
            let reading = match (&c.step, &c.step_title, &c.harm) {
                (Some(n), Some(title), _) => format!("step {n}: {title}"),
                (Some(n), None, _) => format!("step {n}"),
                (None, _, Some(harm)) => format!("harmful: {harm}"),
                (None, _, None) => "no step".to_owned(),
            };
            [
                "command".to_owned(),
                format!("command-{}", c.number),
                c.command.clone(),
                String::new(),
                c.answer.clone().unwrap_or_default(),
                crate::utc::format(c.at),
                reading,
            ]
        })
        .collect();
    let fixed = match i.diagnosed_first {
        Some(true) => "diagnosis before the fix",
        Some(false) => "a fix before any diagnosis",
        None => "no fix step reached",
    };
    let summary = format!(
        "{} of {} steps reached; {fixed}; {} command(s) reached nothing; {} harmful",
        i.reached, i.steps, i.unhelpful, i.harmful,
    );
    rows.push([
        "path score".to_owned(),
        "investigation".to_owned(),
        summary,
        String::new(),
        String::new(),
        String::new(),
        i.share.to_string(),
    ]);
    rows
}

/// A gauntlet interview's scorecard for a spreadsheet: per round, a `round` row (its question,
/// when it was opened, its score), a row per item and a row per note; then the notes on the
/// whole interview and an `overall` row. The columns of a scenario's, then `round` and
/// `score` (0 to 1). Every cell is [`spreadsheet_safe`].
fn gauntlet_csv(card: &Scorecard) -> Result<String, csv::Error> {
    let mut out = csv::Writer::from_writer(Vec::new());
    let mut write = |cells: [&str; 9]| {
        let cells = cells.map(spreadsheet_safe);
        out.write_record(cells.iter().map(|c| c.as_bytes()))
    };
    write([
        "kind",
        "item",
        "text",
        "weight",
        "interviewer",
        "marked_at",
        "grader",
        "round",
        "score",
    ])?;
    let when = |at: Option<i64>| at.map_or_else(String::new, crate::utc::format);
    for round in &card.rounds {
        let number = round.number.to_string();
        write([
            "round",
            &format!("round-{number}"),
            &format!("Round {number}: {}: {}", round.name, round.question),
            "",
            if round.opened_at.is_some() {
                "opened"
            } else {
                ""
            },
            &when(round.opened_at),
            "",
            &number,
            &round.score.to_string(),
        ])?;
        for item in &round.items {
            write([
                "rubric item",
                &item.id,
                &item.text,
                &item.weight.to_string(),
                item.interviewer.map_or("", Verdict::as_str),
                &when(item.ticked_at),
                item.grader.as_str(),
                &number,
                "",
            ])?;
        }
        for note in &round.notes {
            let at = when(Some(note.at));
            write(["note", "", &note.text, "", "", &at, "", &number, ""])?;
        }
    }
    for note in &card.notes {
        let at = when(Some(note.at));
        write(["note", "", &note.text, "", "", &at, "", "", ""])?;
    }
    let overall = card.score.to_string();
    write(["overall", "", "", "", "", "", "", "", &overall])?;
    let bytes = out.into_inner().map_err(|e| e.into_error())?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// A CSV cell a spreadsheet will not run as a formula: one starting with `=`, `+`, `-`, `@`, a
/// tab or a carriage return gets a `'` in front (OWASP, CSV injection), so it is read as text.
/// The quote stays visible in the cell: the price of never running a formula from content.
pub fn spreadsheet_safe(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        true => format!("'{cell}").into(),
        false => cell.into(),
    }
}
