//! `firedrill new scenario|walkthrough|gauntlet "Title"`: writes `scenarios/<slug>.md` (or
//! `gauntlets/<slug>.md`) under the content folder, never over an existing file.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;

use crate::config::{NewArgs, NewKind};
use crate::content;

pub fn new(args: &NewArgs) -> anyhow::Result<ExitCode> {
    let slug = content::stub::slugify(&args.title);
    anyhow::ensure!(
        !slug.is_empty(),
        "the title `{}` has no letters or digits to name the file after",
        args.title
    );
    let folder = match args.kind {
        NewKind::Scenario | NewKind::Walkthrough => "scenarios",
        NewKind::Gauntlet => "gauntlets",
    };
    let dir = args.content.content.join(folder);
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create `{}`", dir.display()))?;
    let path = dir.join(format!("{slug}.md"));
    let meta = content::stub::StubMeta {
        title: &args.title,
        level: &args.level,
        topic: &args.topic,
        domain: &args.domain,
    };
    let mut file = match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
    {
        Ok(file) => file,
        Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => {
            anyhow::bail!(
                "`{}` already exists: edit it, or choose another title",
                path.display()
            )
        }
        Err(err) => return Err(err).with_context(|| format!("cannot write `{}`", path.display())),
    };
    let text = match args.kind {
        NewKind::Scenario => content::stub::scenario(&meta),
        NewKind::Walkthrough => content::stub_shapes::walkthrough(&meta),
        NewKind::Gauntlet => content::stub_shapes::gauntlet(&meta),
    };
    file.write_all(text.as_bytes())
        .with_context(|| format!("cannot write `{}`", path.display()))?;
    println!("wrote {}", path.display());
    print!("{}", next_steps(&args.content.content, &path));
    Ok(ExitCode::SUCCESS)
}

/// What to do after `new`: the stub is a draft, so say how to check and publish it.
fn next_steps(content: &Path, path: &Path) -> String {
    let folder = match content == Path::new("content") {
        true => String::new(),
        false => format!("--content {} ", content.display()),
    };
    format!(
        "it is a draft: only authors and admins see it on the portal\n\
         next: replace the stub text (`firedrill check {folder}{}` lists each line left)\n\
         publish: delete the line `draft: true` from its front matter\n",
        path.display()
    )
}
