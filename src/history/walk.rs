//! The commits to walk, the Python files of each commit's tree as changes from the previous
//! one, and the configuration committed at each commit.
//!
//! Trees are compared by id before they are read, so a subtree that did not change between two
//! walked commits costs nothing. Hidden entries (a name starting with `.`) are skipped as
//! `scan`'s walker skips them; symbolic links and submodules are not files to scan.

use rustc_hash::{FxHashMap, FxHashSet};

use gix::ObjectId;
use gix::objs::Find;

use super::blobs::{ConfigEntry, ConfigId};
use crate::config::Config;

/// One commit of the walk.
#[derive(Debug, Clone)]
pub struct CommitInfo {
    pub id: ObjectId,
    pub tree: ObjectId,
    pub time: gix::date::Time,
}

/// The commits reachable from `tip` (first parents only when asked), oldest first, and a
/// message if the walk stopped early (a commit missing from a shallow or partial clone).
pub fn commits(
    repo: &gix::Repository,
    tip: ObjectId,
    first_parent: bool,
) -> anyhow::Result<(Vec<CommitInfo>, Option<String>)> {
    use gix::revision::walk::Sorting;
    use gix::traverse::commit::simple::CommitTimeOrder;
    let mut platform = repo
        .rev_walk([tip])
        .sorting(Sorting::ByCommitTime(CommitTimeOrder::NewestFirst));
    if first_parent {
        platform = platform.first_parent_only();
    }
    let walk = platform
        .all()
        .map_err(|e| anyhow::anyhow!("cannot walk the history of {tip}: {e}"))?;
    let mut commits = Vec::new();
    let mut stopped = None;
    for info in walk {
        let info = match info {
            Ok(info) => info,
            Err(err) => {
                stopped = Some(format!("the walk stopped early: {err}"));
                break;
            }
        };
        match commit_info(repo, info.id) {
            Ok(commit) => commits.push(commit),
            Err(message) => {
                stopped = Some(message);
                break;
            }
        }
    }
    commits.reverse();
    Ok((commits, stopped))
}

pub fn commit_info(repo: &gix::Repository, id: ObjectId) -> Result<CommitInfo, String> {
    let commit = repo
        .find_commit(id)
        .map_err(|e| format!("commit {id} cannot be read: {e}"))?;
    let tree = commit
        .tree_id()
        .map_err(|e| format!("commit {id} cannot be read: {e}"))?
        .detach();
    let time = commit
        .committer()
        .ok()
        .and_then(|c| c.time().ok())
        .unwrap_or_default();
    Ok(CommitInfo { id, tree, time })
}

/// A Python file that appeared, changed or went away between two trees.
#[derive(Debug, Clone)]
pub struct Change {
    /// Relative to the repository root, `/` separators.
    pub path: String,
    /// The new blob; `None` when the file is gone.
    pub blob: Option<ObjectId>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum EntryKind {
    Tree,
    Python,
}

#[derive(Debug)]
struct Entry {
    name: String,
    kind: EntryKind,
    id: ObjectId,
}

/// Reads trees, remembering which ones are missing.
pub struct TreeReader<'r> {
    repo: &'r gix::Repository,
    buffer: Vec<u8>,
    missing: FxHashSet<ObjectId>,
}

/// The Python files of the last tree seen, and the subtrees that could not be read.
#[derive(Debug, Default)]
pub struct Snapshot {
    tree: Option<ObjectId>,
    pub files: FxHashMap<String, ObjectId>,
    /// Subtrees missing from the repository, by path.
    pub holes: FxHashMap<String, ObjectId>,
}

impl<'r> TreeReader<'r> {
    pub fn new(repo: &'r gix::Repository) -> TreeReader<'r> {
        TreeReader {
            repo,
            buffer: Vec::new(),
            missing: FxHashSet::default(),
        }
    }

    /// Moves `snapshot` to `tree` and returns the changes of its Python files.
    pub fn advance(&mut self, snapshot: &mut Snapshot, tree: ObjectId) -> Vec<Change> {
        let mut changes = Vec::new();
        self.diff(
            snapshot.tree,
            Some(tree),
            "",
            &mut changes,
            &mut snapshot.holes,
        );
        snapshot.tree = Some(tree);
        for change in &changes {
            match change.blob {
                Some(blob) => snapshot.files.insert(change.path.clone(), blob),
                None => snapshot.files.remove(&change.path),
            };
        }
        changes
    }

    /// The entries of a tree that matter, sorted by name; `None` when the tree is missing.
    fn entries(&mut self, id: ObjectId) -> Option<Vec<Entry>> {
        if self.missing.contains(&id) {
            return None;
        }
        let data = match self.repo.objects.try_find(&id, &mut self.buffer) {
            Ok(Some(data)) if data.kind == gix::objs::Kind::Tree => data,
            _ => {
                self.missing.insert(id);
                return None;
            }
        };
        let Ok(tree) = gix::objs::TreeRef::from_bytes(data.data, data.object_hash) else {
            self.missing.insert(id);
            return None;
        };
        let mut entries: Vec<Entry> = tree
            .entries
            .iter()
            .filter(|e| !e.filename.starts_with(b"."))
            .filter_map(|e| {
                let kind = if e.mode.is_tree() {
                    EntryKind::Tree
                } else if e.mode.is_blob()
                    && (e.filename.ends_with(b".py") || e.filename.ends_with(b".pyi"))
                {
                    EntryKind::Python
                } else {
                    return None;
                };
                Some(Entry {
                    name: String::from_utf8_lossy(e.filename).into_owned(),
                    kind,
                    id: e.oid.to_owned(),
                })
            })
            .collect();
        entries.sort_by(|a, b| a.name.cmp(&b.name));
        Some(entries)
    }

    fn diff(
        &mut self,
        old: Option<ObjectId>,
        new: Option<ObjectId>,
        prefix: &str,
        changes: &mut Vec<Change>,
        holes: &mut FxHashMap<String, ObjectId>,
    ) {
        if old == new {
            return;
        }
        let old_entries = match old {
            Some(id) => self.entries(id).unwrap_or_default(),
            None => Vec::new(),
        };
        if old.is_some() {
            holes.remove(prefix);
        }
        let new_entries = match new {
            Some(id) => match self.entries(id) {
                Some(entries) => entries,
                None => {
                    holes.insert(prefix.to_owned(), id);
                    Vec::new()
                }
            },
            None => Vec::new(),
        };
        let (mut i, mut j) = (0, 0);
        while i < old_entries.len() || j < new_entries.len() {
            let order = match (old_entries.get(i), new_entries.get(j)) {
                (Some(a), Some(b)) => a.name.cmp(&b.name),
                (Some(_), None) => std::cmp::Ordering::Less,
                _ => std::cmp::Ordering::Greater,
            };
            let (a, b) = match order {
                std::cmp::Ordering::Less => {
                    i += 1;
                    (Some(&old_entries[i - 1]), None)
                }
                std::cmp::Ordering::Greater => {
                    j += 1;
                    (None, Some(&new_entries[j - 1]))
                }
                std::cmp::Ordering::Equal => {
                    i += 1;
                    j += 1;
                    (Some(&old_entries[i - 1]), Some(&new_entries[j - 1]))
                }
            };
            let name = a.or(b).map_or("", |e| e.name.as_str());
            let path = if prefix.is_empty() {
                name.to_owned()
            } else {
                format!("{prefix}/{name}")
            };
            let tree_of = |e: Option<&Entry>| e.filter(|e| e.kind == EntryKind::Tree).map(|e| e.id);
            let file_of =
                |e: Option<&Entry>| e.filter(|e| e.kind == EntryKind::Python).map(|e| e.id);
            let (old_tree, new_tree) = (tree_of(a), tree_of(b));
            if old_tree != new_tree {
                self.diff(old_tree, new_tree, &path, changes, holes);
            }
            let (old_file, new_file) = (file_of(a), file_of(b));
            if old_file != new_file {
                changes.push(Change {
                    path,
                    blob: new_file,
                });
            }
        }
    }

    /// The text of a blob, if it is there.
    fn blob_text(&mut self, id: ObjectId) -> Option<String> {
        match self.repo.objects.try_find(&id, &mut self.buffer) {
            Ok(Some(data)) if data.kind == gix::objs::Kind::Blob => {
                Some(String::from_utf8_lossy(data.data).into_owned())
            }
            _ => None,
        }
    }

    /// The configuration files at the root of `tree`: `uuid-migrate.toml` then
    /// `pyproject.toml`, as `scan` looks for them in a directory.
    fn config_files(&mut self, tree: ObjectId) -> Vec<(&'static str, ObjectId)> {
        let data = match self.repo.objects.try_find(&tree, &mut self.buffer) {
            Ok(Some(data)) if data.kind == gix::objs::Kind::Tree => data,
            _ => return Vec::new(),
        };
        let Ok(tree) = gix::objs::TreeRef::from_bytes(data.data, data.object_hash) else {
            return Vec::new();
        };
        let mut found = Vec::new();
        for name in ["uuid-migrate.toml", "pyproject.toml"] {
            if let Some(entry) = tree
                .entries
                .iter()
                .find(|e| e.filename == name.as_bytes() && e.mode.is_blob())
            {
                found.push((name, entry.oid.to_owned()));
            }
        }
        found
    }
}

/// A configuration and the problem that made the defaults apply instead, if any.
type Judged = (ConfigId, Option<String>);

/// The configurations met in the history, each built once.
#[derive(Debug)]
pub struct ConfigBook {
    pub entries: Vec<ConfigEntry>,
    /// `None`: a `pyproject.toml` without our table.
    by_file: FxHashMap<(&'static str, ObjectId), Option<Judged>>,
    by_key: FxHashMap<String, ConfigId>,
}

impl Default for ConfigBook {
    fn default() -> ConfigBook {
        ConfigBook {
            entries: vec![ConfigEntry {
                config: Config::default(),
                key: "default".to_owned(),
            }],
            by_file: FxHashMap::default(),
            by_key: FxHashMap::from_iter([("default".to_owned(), ConfigId(0))]),
        }
    }
}

impl ConfigBook {
    /// The configuration committed in `tree`, and a problem with it (then the defaults apply).
    pub fn at(
        &mut self,
        reader: &mut TreeReader<'_>,
        tree: ObjectId,
    ) -> (ConfigId, Option<String>) {
        for (name, blob) in reader.config_files(tree) {
            let judged = match self.by_file.get(&(name, blob)) {
                Some(known) => known.clone(),
                None => {
                    let judged = match reader.blob_text(blob) {
                        None => {
                            Some((ConfigId(0), Some(format!("{name}: blob {blob} is missing"))))
                        }
                        Some(text) => match Config::from_text(std::path::Path::new(name), &text) {
                            Ok(Some(config)) => {
                                Some((self.add(config, settings_key(name, &text)), None))
                            }
                            Ok(None) => None,
                            Err(err) => {
                                Some((ConfigId(0), Some(format!("{err} (the defaults apply)"))))
                            }
                        },
                    };
                    self.by_file.insert((name, blob), judged.clone());
                    judged
                }
            };
            // A `pyproject.toml` without our table: look further.
            if let Some(judged) = judged {
                return judged;
            }
        }
        (ConfigId(0), None)
    }

    fn add(&mut self, config: Config, key: String) -> ConfigId {
        if let Some(id) = self.by_key.get(&key) {
            return *id;
        }
        let id = ConfigId(self.entries.len() as u32);
        self.by_key.insert(key.clone(), id);
        self.entries.push(ConfigEntry { config, key });
        id
    }

    pub fn get(&self, id: ConfigId) -> &Config {
        &self.entries[id.0 as usize].config
    }
}

/// What identifies the settings of a configuration file: for a `pyproject.toml`, only its
/// `[tool.uuid-migrate]` table, so a dependency bump does not invalidate the cache.
fn settings_key(name: &str, text: &str) -> String {
    use sha2::Digest;
    let settings = if name == "pyproject.toml" {
        text.parse::<toml::Table>()
            .ok()
            .and_then(|doc| doc.get("tool")?.get("uuid-migrate").cloned())
            .and_then(|table| toml::to_string(&table).ok())
            .unwrap_or_else(|| text.to_owned())
    } else {
        text.to_owned()
    };
    let digest = sha2::Sha256::digest(settings.as_bytes());
    digest.iter().take(12).map(|b| format!("{b:02x}")).collect()
}

/// Whether `scan` would scan the file at `path` under `config`: its include globs, and its
/// exclude globs matched against the file and every directory above it.
pub fn is_scanned(config: &Config, path: &str) -> bool {
    let rel = std::path::Path::new(path);
    if let Some(include) = &config.include
        && !include.is_match(rel)
    {
        return false;
    }
    if config.exclude.is_empty() {
        return true;
    }
    rel.ancestors()
        .filter(|p| !p.as_os_str().is_empty())
        .all(|p| !config.exclude.is_match(p))
}
