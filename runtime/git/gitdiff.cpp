#include "git/gitdiff.h"

#include <git2.h>

#include <QFile>
#include <QHash>
#include <QSet>

#include <algorithm>
#include <memory>

namespace ktx {

namespace {

// Keeps libgit2's global state alive for as long as a patch is in use.
struct LibGit2Scope
{
    LibGit2Scope() { git_libgit2_init(); }
    ~LibGit2Scope() { git_libgit2_shutdown(); }
    LibGit2Scope(const LibGit2Scope &) = delete;
    LibGit2Scope &operator=(const LibGit2Scope &) = delete;
};

struct PatchDeleter
{
    void operator()(git_patch *patch) const { git_patch_free(patch); }
};

QList<QByteArray> splitLines(const QByteArray &bytes)
{
    QList<QByteArray> lines;
    qsizetype start = 0;
    while (start < bytes.size()) {
        const qsizetype end = bytes.indexOf('\n', start);
        if (end < 0) {
            lines << bytes.mid(start);
            break;
        }
        lines << bytes.mid(start, end - start + 1);
        start = end + 1;
    }
    return lines;
}

} // namespace

int DiffHunk::additions() const
{
    return int(std::count_if(lines.cbegin(), lines.cend(),
                             [](const DiffLine &l) { return l.kind == DiffLine::Kind::Added; }));
}

int DiffHunk::deletions() const
{
    return int(std::count_if(lines.cbegin(), lines.cend(),
                             [](const DiffLine &l) { return l.kind == DiffLine::Kind::Removed; }));
}

QByteArray DiffHunk::changeText() const
{
    QByteArray out;
    for (const DiffLine &l : lines) {
        if (l.kind == DiffLine::Kind::Context)
            continue;
        out += l.kind == DiffLine::Kind::Added ? '+' : '-';
        out += l.text;
        if (!l.text.endsWith('\n'))
            out += '\n';
    }
    return out;
}

int FileDiff::additions() const
{
    int n = 0;
    for (const DiffHunk &h : hunks)
        n += h.additions();
    return n;
}

int FileDiff::deletions() const
{
    int n = 0;
    for (const DiffHunk &h : hunks)
        n += h.deletions();
    return n;
}

QString FileDiff::statusName(Status status)
{
    switch (status) {
    case Status::Added:
        return QStringLiteral("added");
    case Status::Deleted:
        return QStringLiteral("deleted");
    case Status::Renamed:
        return QStringLiteral("renamed");
    case Status::Modified:
        break;
    }
    return QStringLiteral("modified");
}

Result<FileDiff> GitDiff::diffFile(const QString &path, const std::optional<QByteArray> &before,
                                   const std::optional<QByteArray> &after)
{
    const LibGit2Scope libgit2;
    FileDiff file;
    file.path = path;
    file.status = !before ? FileDiff::Status::Added
                          : (!after ? FileDiff::Status::Deleted : FileDiff::Status::Modified);

    git_diff_options options = GIT_DIFF_OPTIONS_INIT;
    options.context_lines = ContextLines;
    const QByteArray pathBytes = path.toUtf8();
    git_patch *raw = nullptr;
    const int rc = git_patch_from_buffers(
        &raw, before ? before->constData() : nullptr, before ? size_t(before->size()) : 0,
        pathBytes.constData(), after ? after->constData() : nullptr,
        after ? size_t(after->size()) : 0, pathBytes.constData(), &options);
    std::unique_ptr<git_patch, PatchDeleter> patch(raw);
    if (rc != 0) {
        const git_error *e = git_error_last();
        return makeError(QStringLiteral("git_diff_failed"),
                         QStringLiteral("Cannot diff %1: %2")
                             .arg(path, e ? QString::fromUtf8(e->message) : QString()));
    }
    const git_diff_delta *delta = git_patch_get_delta(patch.get());
    file.binary = delta && (delta->flags & GIT_DIFF_FLAG_BINARY);
    if (file.binary)
        return file;

    const size_t hunkCount = git_patch_num_hunks(patch.get());
    for (size_t h = 0; h < hunkCount; ++h) {
        const git_diff_hunk *gh = nullptr;
        size_t lineCount = 0;
        if (git_patch_get_hunk(&gh, &lineCount, patch.get(), h) != 0)
            continue;
        DiffHunk hunk;
        hunk.oldStart = gh->old_start;
        hunk.oldLines = gh->old_lines;
        hunk.newStart = gh->new_start;
        hunk.newLines = gh->new_lines;
        hunk.header = QString::fromUtf8(gh->header, qsizetype(gh->header_len)).trimmed();
        for (size_t l = 0; l < lineCount; ++l) {
            const git_diff_line *gl = nullptr;
            if (git_patch_get_line_in_hunk(&gl, patch.get(), h, l) != 0)
                continue;
            DiffLine line;
            switch (gl->origin) {
            case GIT_DIFF_LINE_ADDITION:
                line.kind = DiffLine::Kind::Added;
                break;
            case GIT_DIFF_LINE_DELETION:
                line.kind = DiffLine::Kind::Removed;
                break;
            case GIT_DIFF_LINE_CONTEXT:
                line.kind = DiffLine::Kind::Context;
                break;
            default:
                // "\ No newline at end of file" markers: the line before already
                // carries its exact bytes (without the terminator).
                continue;
            }
            line.oldLine = qMax(0, gl->old_lineno);
            line.newLine = qMax(0, gl->new_lineno);
            line.text = QByteArray(gl->content, qsizetype(gl->content_len));
            hunk.lines << line;
        }
        file.hunks << hunk;
    }
    return file;
}

namespace {

// Both sides of every changed path, with renames paired: (oldPath, path),
// oldPath empty for a plain change.
using ChangedFile = FileVersions;

// Inexact pairing compares every added with every deleted file; past this many
// pairs only identical contents pair (git has a similar limit, diff.renameLimit).
constexpr qsizetype MaxRenamePairs = 250000;

template<typename T> using Owned = std::unique_ptr<T, void (*)(T *)>;

// Both sides of every changed path from one tree-to-tree diff, each blob read
// by its id: GitRepository::fileAt walks a commit's tree per call, which
// dominates a run of thousands of files.
Result<QList<ChangedFile>> readChanged(const QString &repositoryDir, const QString &fromId,
                                       const QString &toId)
{
    const LibGit2Scope libgit2;
    const auto failed = [](const QString &what) {
        const git_error *e = git_error_last();
        return makeError(QStringLiteral("git_diff_failed"),
                         e ? QStringLiteral("%1: %2").arg(what, QString::fromUtf8(e->message))
                           : what);
    };
    git_repository *rawRepo = nullptr;
    if (git_repository_open(&rawRepo, QFile::encodeName(repositoryDir).constData()) != 0)
        return failed(QStringLiteral("Cannot open the repository at %1").arg(repositoryDir));
    const Owned<git_repository> repo(rawRepo, git_repository_free);
    Owned<git_tree> trees[2] = {{nullptr, git_tree_free}, {nullptr, git_tree_free}};
    const QString ids[2] = {fromId, toId};
    for (int i = 0; i < 2; ++i) {
        if (ids[i].isEmpty())
            continue; // a root commit: everything is new
        git_oid oid;
        git_commit *commit = nullptr;
        git_tree *tree = nullptr;
        if (git_oid_fromstr(&oid, ids[i].toLatin1().constData()) != 0
            || git_commit_lookup(&commit, repo.get(), &oid) != 0)
            return failed(QStringLiteral("Cannot read commit %1").arg(ids[i]));
        const int rc = git_commit_tree(&tree, commit);
        git_commit_free(commit);
        if (rc != 0)
            return failed(QStringLiteral("Cannot read the tree of %1").arg(ids[i]));
        trees[i].reset(tree);
    }
    git_diff *rawDiff = nullptr;
    git_diff_options options = GIT_DIFF_OPTIONS_INIT;
    if (git_diff_tree_to_tree(&rawDiff, repo.get(), trees[0].get(), trees[1].get(), &options) != 0)
        return failed(QStringLiteral("Cannot compare %1 and %2").arg(fromId, toId));
    const Owned<git_diff> diff(rawDiff, git_diff_free);
    const auto blob = [&](const git_diff_file &file) -> std::optional<QByteArray> {
        git_blob *b = nullptr;
        if (git_oid_is_zero(&file.id) || git_blob_lookup(&b, repo.get(), &file.id) != 0)
            return std::nullopt; // absent on that side (or not a blob: a submodule)
        const QByteArray bytes(static_cast<const char *>(git_blob_rawcontent(b)),
                               qsizetype(git_blob_rawsize(b)));
        git_blob_free(b);
        return bytes;
    };
    QList<ChangedFile> files;
    for (size_t i = 0; i < git_diff_num_deltas(diff.get()); ++i) {
        const git_diff_delta *delta = git_diff_get_delta(diff.get(), i);
        ChangedFile c;
        c.path
            = QString::fromUtf8(delta->new_file.path ? delta->new_file.path : delta->old_file.path);
        if (delta->status != GIT_DELTA_ADDED)
            c.before = blob(delta->old_file);
        if (delta->status != GIT_DELTA_DELETED)
            c.after = blob(delta->new_file);
        files << c;
    }
    std::sort(files.begin(), files.end(),
              [](const ChangedFile &a, const ChangedFile &b) { return a.path < b.path; });
    return files;
}

Result<QList<ChangedFile>> changedFiles(const GitRepository &repository, const QString &fromId,
                                        const QString &toId)
{
    auto read = readChanged(repository.workDir(), fromId, toId);
    if (!read.ok())
        return read.error();
    QList<ChangedFile> files = *read;
    QList<int> added, deleted;
    for (int i = 0; i < files.size(); ++i) {
        if (!files.at(i).before && files.at(i).after)
            added << i;
        else if (files.at(i).before && !files.at(i).after)
            deleted << i;
    }
    if (added.isEmpty() || deleted.isEmpty())
        return files;

    // Best pairs first; each file in at most one pair.
    struct Pair
    {
        int score;
        int added;
        int deleted;
    };
    QList<Pair> pairs;
    const bool inexact = added.size() * deleted.size() <= MaxRenamePairs;
    QHash<QByteArray, int> byContent; // exact renames whatever the count
    for (const int d : std::as_const(deleted))
        byContent.insert(*files.at(d).before, d);
    for (const int a : std::as_const(added)) {
        if (const auto it = byContent.constFind(*files.at(a).after); it != byContent.cend())
            pairs << Pair {100, a, it.value()};
        else if (inexact)
            for (const int d : std::as_const(deleted)) {
                const int score = GitDiff::similarity(*files.at(d).before, *files.at(a).after);
                if (score >= GitDiff::RenameThreshold)
                    pairs << Pair {score, a, d};
            }
    }
    std::stable_sort(pairs.begin(), pairs.end(),
                     [](const Pair &x, const Pair &y) { return x.score > y.score; });
    QSet<int> used;
    for (const Pair &p : std::as_const(pairs)) {
        if (used.contains(p.added) || used.contains(p.deleted))
            continue;
        used << p.added << p.deleted;
        files[p.added].oldPath = files.at(p.deleted).path;
        files[p.added].before = files.at(p.deleted).before;
        files[p.added].similarity = p.score;
    }
    QList<ChangedFile> out;
    for (int i = 0; i < files.size(); ++i)
        if (!(used.contains(i) && files.at(i).oldPath.isEmpty()))
            out << files.at(i);
    return out;
}

} // namespace

int GitDiff::similarity(const QByteArray &before, const QByteArray &after)
{
    if (before == after)
        return 100;
    const qsizetype larger = qMax(before.size(), after.size());
    if (larger == 0)
        return 100;
    QHash<QByteArray, int> lines;
    for (const QByteArray &line : splitLines(before))
        ++lines[line];
    qsizetype kept = 0;
    for (const QByteArray &line : splitLines(after)) {
        auto it = lines.find(line);
        if (it != lines.end() && it.value() > 0) {
            --it.value();
            kept += line.size();
        }
    }
    return int(kept * 100 / larger);
}

Result<QList<FileVersions>> GitDiff::versionsBetween(const GitRepository &repository,
                                                     const QString &fromId, const QString &toId)
{
    return changedFiles(repository, fromId, toId);
}

Result<FileDiff> GitDiff::diffVersions(const FileVersions &c)
{
    auto file = diffFile(c.path, c.before, c.after);
    if (file.ok() && !c.oldPath.isEmpty()) {
        file->status = FileDiff::Status::Renamed;
        file->oldPath = c.oldPath;
        file->similarity = c.similarity;
    }
    return file;
}

Result<QList<FileDiff>> GitDiff::between(const GitRepository &repository, const QString &fromId,
                                         const QString &toId)
{
    auto changed = changedFiles(repository, fromId, toId);
    if (!changed.ok())
        return changed.error();
    QList<FileDiff> files;
    for (const ChangedFile &c : std::as_const(*changed)) {
        auto file = diffVersions(c);
        if (!file.ok())
            return file.error();
        files << *file;
    }
    return files;
}

Result<QList<FileDiffStat>> GitDiff::statsBetween(const GitRepository &repository,
                                                  const QString &fromId, const QString &toId)
{
    auto changed = changedFiles(repository, fromId, toId);
    if (!changed.ok())
        return changed.error();
    const LibGit2Scope libgit2;
    QList<FileDiffStat> out;
    git_diff_options options = GIT_DIFF_OPTIONS_INIT;
    options.context_lines = 0; // counts only
    for (const ChangedFile &c : std::as_const(*changed)) {
        FileDiffStat stat;
        stat.path = c.path;
        stat.oldPath = c.oldPath;
        stat.status = !c.oldPath.isEmpty()
            ? FileDiff::Status::Renamed
            : (!c.before ? FileDiff::Status::Added
                         : (!c.after ? FileDiff::Status::Deleted : FileDiff::Status::Modified));
        const QByteArray pathBytes = c.path.toUtf8();
        git_patch *raw = nullptr;
        if (git_patch_from_buffers(&raw, c.before ? c.before->constData() : nullptr,
                                   c.before ? size_t(c.before->size()) : 0, pathBytes.constData(),
                                   c.after ? c.after->constData() : nullptr,
                                   c.after ? size_t(c.after->size()) : 0, pathBytes.constData(),
                                   &options)
            != 0)
            return makeError(QStringLiteral("git_diff_failed"),
                             QStringLiteral("Cannot diff %1").arg(c.path));
        std::unique_ptr<git_patch, PatchDeleter> patch(raw);
        const git_diff_delta *delta = git_patch_get_delta(patch.get());
        stat.binary = delta && (delta->flags & GIT_DIFF_FLAG_BINARY);
        size_t additions = 0, deletions = 0;
        if (!stat.binary
            && git_patch_line_stats(nullptr, &additions, &deletions, patch.get()) == 0) {
            stat.additions = int(additions);
            stat.deletions = int(deletions);
        }
        out << stat;
    }
    return out;
}

QByteArray GitDiff::applyHunks(const QByteArray &before, const FileDiff &diff,
                               const QSet<int> &accepted)
{
    const QList<QByteArray> old = splitLines(before);
    QByteArray out;
    out.reserve(before.size());
    qsizetype cursor = 0; // index of the next old line not yet emitted
    for (int i = 0; i < diff.hunks.size(); ++i) {
        const DiffHunk &hunk = diff.hunks.at(i);
        // A pure insertion names the line it follows ("-5,0"), not the first it replaces.
        const qsizetype first = hunk.oldLines == 0 ? hunk.oldStart : hunk.oldStart - 1;
        for (; cursor < first && cursor < old.size(); ++cursor)
            out += old.at(cursor);
        if (accepted.contains(i)) {
            for (const DiffLine &line : hunk.lines)
                if (line.kind != DiffLine::Kind::Removed)
                    out += line.text;
        } else {
            for (qsizetype k = first; k < first + hunk.oldLines && k < old.size(); ++k)
                out += old.at(k);
        }
        cursor = first + hunk.oldLines;
    }
    for (; cursor < old.size(); ++cursor)
        out += old.at(cursor);
    return out;
}

Result<DiffCommit> GitDiff::resolveCommit(const QString &repositoryDir, const QString &spec)
{
    const LibGit2Scope libgit2;
    git_repository *raw = nullptr;
    if (git_repository_open(&raw, QFile::encodeName(repositoryDir).constData()) != 0)
        return makeError(QStringLiteral("git_open_failed"),
                         QStringLiteral("%1 is not a git repository.").arg(repositoryDir));
    const std::unique_ptr<git_repository, void (*)(git_repository *)> repo(raw,
                                                                           git_repository_free);
    git_object *object = nullptr;
    const QByteArray specBytes = spec.toUtf8();
    if (git_revparse_single(&object, repo.get(), specBytes.constData()) != 0)
        return makeError(QStringLiteral("git_unknown_commit"),
                         QStringLiteral("No commit %1 in this repository.").arg(spec),
                         QStringLiteral("`git log --oneline` lists the commits."));
    git_object *peeled = nullptr;
    const int rc = git_object_peel(&peeled, object, GIT_OBJECT_COMMIT);
    git_object_free(object);
    if (rc != 0)
        return makeError(QStringLiteral("git_unknown_commit"),
                         QStringLiteral("%1 does not name a commit.").arg(spec));
    const std::unique_ptr<git_object, void (*)(git_object *)> commitObject(peeled, git_object_free);
    auto *commit = reinterpret_cast<git_commit *>(peeled);
    const auto hex = [](const git_oid *oid) {
        char buffer[GIT_OID_HEXSZ + 1] = {};
        git_oid_tostr(buffer, sizeof buffer, oid);
        return QString::fromLatin1(buffer);
    };
    DiffCommit out;
    out.id = hex(git_commit_id(commit));
    if (git_commit_parentcount(commit) > 0)
        out.parentId = hex(git_commit_parent_id(commit, 0));
    out.message = QString::fromUtf8(git_commit_message(commit));
    out.subject = out.message.section(QLatin1Char('\n'), 0, 0);
    if (const git_signature *a = git_commit_author(commit))
        out.author = QStringLiteral("%1 <%2>").arg(QString::fromUtf8(a->name),
                                                   QString::fromUtf8(a->email));
    out.timeMs = qint64(git_commit_time(commit)) * 1000;
    return out;
}

} // namespace ktx
