#include "git/gitdiff.h"

#include <git2.h>

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

Result<QList<FileDiff>> GitDiff::between(const GitRepository &repository, const QString &fromId,
                                         const QString &toId)
{
    auto paths = repository.changedPaths(fromId, toId);
    if (!paths.ok())
        return paths.error();
    QList<FileDiff> files;
    for (const QString &path : std::as_const(*paths)) {
        auto before = repository.fileAt(fromId, path);
        if (!before.ok())
            return before.error();
        auto after = repository.fileAt(toId, path);
        if (!after.ok())
            return after.error();
        auto file = diffFile(path, *before, *after);
        if (!file.ok())
            return file.error();
        files << *file;
    }
    return files;
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

} // namespace ktx
