//! `rewrite --write` as a hostile tree or a concurrent user would meet it (issue 10): nothing is
//! written outside the paths given, owners are kept and read-only files refused, temporaries are
//! ours and cleaned up. The race with a concurrent edit is tested deterministically in
//! `src/util/fs.rs`.

mod common;

use common::{project, tool};
use std::path::Path;

const SITE: &str = "import uuid\n\nmessage_id = str(uuid.uuid4())\n";

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap()
}

fn rewritten(path: &Path) -> bool {
    read(path).contains("UnifiedIdGenerator")
}

fn temporaries(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".uuid-migrate-tmp-") || n.starts_with(".tmp"))
        .collect()
}

#[test]
#[cfg(unix)]
fn follow_never_rewrites_through_a_link_to_outside_the_paths_given() {
    use std::os::unix::fs::symlink;
    let tree = project(&[("app/a.py", SITE)]);
    let outside = project(&[("x.py", SITE), ("lib/y.py", SITE)]);
    symlink(outside.path().join("x.py"), tree.path().join("app/link.py")).unwrap();
    symlink(outside.path().join("lib"), tree.path().join("vendor")).unwrap();

    for mode in [&["--check"][..], &["--write"][..], &[][..]] {
        let out = tool()
            .current_dir(tree.path())
            .args(["rewrite", "-L"])
            .args(mode)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{mode:?}: {err}");
        for shown in ["app/link.py", "vendor/y.py"] {
            assert!(
                err.contains(shown) && err.contains("outside the paths given: not rewritten"),
                "{mode:?}: {err}"
            );
        }
        // The diff shows only what `--write` would write.
        let diff = String::from_utf8_lossy(&out.stdout);
        assert!(
            !diff.contains("link.py") && !diff.contains("y.py"),
            "{diff}"
        );
    }
    assert!(rewritten(&tree.path().join("app/a.py")));
    assert_eq!(read(&outside.path().join("x.py")), SITE);
    assert_eq!(read(&outside.path().join("lib/y.py")), SITE);
    assert!(
        std::fs::symlink_metadata(tree.path().join("app/link.py"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
}

#[test]
#[cfg(unix)]
fn a_link_inside_the_paths_given_rewrites_its_target_once() {
    use std::os::unix::fs::symlink;
    let tree = project(&[("app/a.py", SITE)]);
    symlink("a.py", tree.path().join("app/same.py")).unwrap();
    tool()
        .current_dir(tree.path())
        .args(["rewrite", "-L", "--write"])
        .assert()
        .code(0);
    assert!(rewritten(&tree.path().join("app/a.py")));
    assert!(
        std::fs::symlink_metadata(tree.path().join("app/same.py"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
}

/// A linked directory named on the command line is followed (its target is what was asked
/// for), and writes stay inside that target.
#[test]
#[cfg(unix)]
fn a_linked_directory_named_on_the_command_line_is_its_target() {
    use std::os::unix::fs::symlink;
    let real = project(&[("pkg/a.py", SITE), ("other.py", SITE)]);
    let here = project(&[]);
    symlink(real.path().join("pkg"), here.path().join("pkg")).unwrap();
    symlink(real.path().join("other.py"), real.path().join("pkg/out.py")).unwrap();
    let out = tool()
        .current_dir(here.path())
        .args(["rewrite", "--write", "-L", "pkg"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("pkg/out.py"), "{err}");
    assert!(rewritten(&real.path().join("pkg/a.py")));
    assert_eq!(read(&real.path().join("other.py")), SITE);
}

#[test]
#[cfg(unix)]
fn as_root_the_owner_group_and_mode_are_kept() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    // SAFETY: no arguments, no side effects.
    if unsafe { libc::geteuid() } != 0 {
        println!("skipped: needs root to give a file to another user");
        return;
    }
    let tree = project(&[("a.py", SITE), ("b.py", SITE)]);
    let a = tree.path().join("a.py");
    std::os::unix::fs::chown(&a, Some(65534), Some(65534)).unwrap();
    std::fs::set_permissions(&a, std::fs::Permissions::from_mode(0o640)).unwrap();
    // Read-only for its owner: root could write it in place, so it is written.
    let b = tree.path().join("b.py");
    std::os::unix::fs::chown(&b, Some(65534), Some(65534)).unwrap();
    std::fs::set_permissions(&b, std::fs::Permissions::from_mode(0o444)).unwrap();
    tool()
        .current_dir(tree.path())
        .args(["rewrite", "--write"])
        .assert()
        .code(0);
    for (path, mode) in [(&a, 0o640), (&b, 0o444)] {
        assert!(rewritten(path));
        let meta = std::fs::metadata(path).unwrap();
        assert_eq!((meta.uid(), meta.gid()), (65534, 65534), "{path:?}");
        assert_eq!(meta.mode() & 0o7777, mode, "{path:?}");
    }
}

/// Another user in a directory anyone may write: a read-only file, or one whose owner they
/// cannot keep, is refused, not taken over by a rename.
#[test]
#[cfg(unix)]
fn another_user_never_takes_over_a_file() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    use std::os::unix::process::CommandExt;
    // SAFETY: no arguments, no side effects.
    if unsafe { libc::geteuid() } != 0 {
        println!("skipped: needs root to run the tool as another user");
        return;
    }
    let tree = project(&[
        ("read_only.py", SITE),
        ("not_mine.py", SITE),
        ("mine.py", SITE),
    ]);
    std::fs::set_permissions(tree.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
    let read_only = tree.path().join("read_only.py");
    std::fs::set_permissions(&read_only, std::fs::Permissions::from_mode(0o444)).unwrap();
    let not_mine = tree.path().join("not_mine.py");
    std::fs::set_permissions(&not_mine, std::fs::Permissions::from_mode(0o666)).unwrap();
    let mine = tree.path().join("mine.py");
    std::os::unix::fs::chown(&mine, Some(65534), Some(65534)).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_uuid-migrate"))
        .current_dir(tree.path())
        .args(["rewrite", "--write", "--no-cache"])
        .env("NO_COLOR", "1")
        .uid(65534)
        .gid(65534)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("read-only for this user"), "{err}");
    assert!(err.contains("owned by uid 0 and gid 0"), "{err}");
    for path in [&read_only, &not_mine] {
        assert_eq!(read(path), SITE);
        assert_eq!(std::fs::metadata(path).unwrap().uid(), 0);
    }
    assert!(rewritten(&mine));
    assert!(temporaries(tree.path()).is_empty());
}

#[test]
#[cfg(unix)]
fn stale_temporaries_of_a_killed_write_are_removed_and_never_scanned() {
    use std::time::{Duration, SystemTime};
    let tree = project(&[
        ("a.py", SITE),
        (".uuid-migrate-tmp-Ab12Cd", SITE),
        (".uuid-migrate-tmp-fresh1", SITE),
        (".tmpAb12Cd", SITE),
    ]);
    let outside = project(&[("victim", "kept\n")]);
    std::os::unix::fs::symlink(
        outside.path().join("victim"),
        tree.path().join(".uuid-migrate-tmp-link00"),
    )
    .unwrap();
    let an_hour_ago = SystemTime::now() - Duration::from_secs(3600);
    for name in [".uuid-migrate-tmp-Ab12Cd", ".tmpAb12Cd"] {
        std::fs::File::options()
            .write(true)
            .open(tree.path().join(name))
            .unwrap()
            .set_modified(an_hour_ago)
            .unwrap();
    }
    std::fs::File::options()
        .write(true)
        .open(outside.path().join("victim"))
        .unwrap()
        .set_modified(an_hour_ago)
        .unwrap();

    // A scan (hidden files too) sees only the Python file.
    let out = tool()
        .current_dir(tree.path())
        .args(["scan", "--hidden", "--no-cache", "--format", "json"])
        .output()
        .unwrap();
    let report = common::json_of(&out.stdout);
    let text = report.to_string();
    assert!(!text.contains("uuid-migrate-tmp"), "{text}");
    assert!(text.contains("a.py"), "{text}");

    tool()
        .current_dir(tree.path())
        .args(["rewrite", "--write"])
        .assert()
        .code(0);
    assert!(rewritten(&tree.path().join("a.py")));
    let mut left = temporaries(tree.path());
    left.sort();
    // Ours and stale: removed. Fresh (a run in progress), someone else's, a link: left.
    assert_eq!(
        left,
        [
            ".tmpAb12Cd",
            ".uuid-migrate-tmp-fresh1",
            ".uuid-migrate-tmp-link00"
        ]
    );
    assert_eq!(read(&outside.path().join("victim")), "kept\n");
}
