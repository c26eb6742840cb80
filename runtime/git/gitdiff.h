#pragma once

#include "core/result.h"
#include "git/gitrepository.h"

#include <QByteArray>
#include <QList>
#include <QSet>
#include <QString>

#include <optional>

namespace ktx {

// One line of a hunk. Line numbers are 1-based; 0 where the line has no side
// (an added line has no old number, a removed line no new number).
struct DiffLine
{
    enum class Kind { Context, Added, Removed };
    Kind kind = Kind::Context;
    int oldLine = 0;
    int newLine = 0;
    QByteArray text; // the line's bytes with its terminator, when it has one
};

struct DiffHunk
{
    int oldStart = 0;
    int oldLines = 0;
    int newStart = 0;
    int newLines = 0;
    QString header; // "@@ -a,b +c,d @@ ..."
    QList<DiffLine> lines;

    int additions() const;
    int deletions() const;
    // The changed lines only ("+text" / "-text"), a stable identity of what the
    // hunk proposes, independent of where it sits in the file.
    QByteArray changeText() const;
};

struct FileDiff
{
    enum class Status { Added, Modified, Deleted, Renamed };
    QString path;
    QString oldPath; // Renamed: where the file was; hunks are old content -> new
    Status status = Status::Modified;
    int similarity = 0; // Renamed: 50..100, like git's "R087"

    bool binary = false;
    QList<DiffHunk> hunks;

    int additions() const;
    int deletions() const;
    static QString statusName(Status status); // added | modified | deleted | renamed
};

// A file's change counted, without its lines (lists of many files).
struct FileDiffStat
{
    QString path;
    QString oldPath;
    FileDiff::Status status = FileDiff::Status::Modified;
    bool binary = false;
    int additions = 0;
    int deletions = 0;
};

// Both versions of a changed file (nullopt: absent on that side), renames paired.
struct FileVersions
{
    QString path;
    QString oldPath; // a rename's old path; empty otherwise
    std::optional<QByteArray> before;
    std::optional<QByteArray> after;
    int similarity = 0; // a rename's similarity
};

// A commit as a diff of history needs it: what it is and what it changed from.
struct DiffCommit
{
    QString id;
    QString parentId; // the first parent; empty for a root commit
    QString subject; // first line of the message
    QString message;
    QString author; // "Name <email>"
    qint64 timeMs = 0;
};

// Structured diffs between two commits (files -> hunks -> lines) and the
// application of a chosen subset of hunks, built from git objects through
// libgit2's buffer diff, so the work tree and the index are never read.
class GitDiff
{
public:
    static constexpr int ContextLines = 3; // git's default

    // One file's diff between two versions (nullopt: the file is absent).
    static Result<FileDiff> diffFile(const QString &path, const std::optional<QByteArray> &before,
                                     const std::optional<QByteArray> &after);
    // Files are renames at git's default: at least this similar (percent).
    static constexpr int RenameThreshold = 50;

    // Every changed file between two commits, sorted by path. An added and a
    // deleted file at least RenameThreshold % alike (git's measure: bytes of
    // the old file found in the new one) are one Renamed file, as `git diff -M`
    // shows it.
    static Result<QList<FileDiff>> between(const GitRepository &repository, const QString &fromId,
                                           const QString &toId);
    // The changed files' bytes on both sides, as between() pairs them, for
    // callers that need more than the diff (semantic summaries).
    static Result<QList<FileVersions>> versionsBetween(const GitRepository &repository,
                                                       const QString &fromId, const QString &toId);
    // The diff of one FileVersions (Renamed when it pairs a rename).
    static Result<FileDiff> diffVersions(const FileVersions &versions);
    // The same files with their line counts only, never building line lists.
    static Result<QList<FileDiffStat>> statsBetween(const GitRepository &repository,
                                                    const QString &fromId, const QString &toId);
    // 0..100: how much of `before` survives in `after` (lines, by bytes).
    static int similarity(const QByteArray &before, const QByteArray &after);

    // Resolves `spec` (a full or abbreviated id, a branch, HEAD~2, ...) in the
    // repository at `repositoryDir` to a commit ("git_unknown_commit" if none).
    static Result<DiffCommit> resolveCommit(const QString &repositoryDir, const QString &spec);

    // `before` with only the hunks whose index is in `accepted` applied. The
    // hunks must come from diffFile(before, ...). For a text file whose every
    // hunk is accepted the result equals `after` byte for byte.
    static QByteArray applyHunks(const QByteArray &before, const FileDiff &diff,
                                 const QSet<int> &accepted);
};

} // namespace ktx
