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
    enum class Status { Added, Modified, Deleted };
    QString path;
    Status status = Status::Modified;
    bool binary = false;
    QList<DiffHunk> hunks;

    int additions() const;
    int deletions() const;
    static QString statusName(Status status); // added | modified | deleted
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
    // Every changed file between two commits, sorted by path.
    static Result<QList<FileDiff>> between(const GitRepository &repository, const QString &fromId,
                                           const QString &toId);

    // `before` with only the hunks whose index is in `accepted` applied. The
    // hunks must come from diffFile(before, ...). For a text file whose every
    // hunk is accepted the result equals `after` byte for byte.
    static QByteArray applyHunks(const QByteArray &before, const FileDiff &diff,
                                 const QSet<int> &accepted);
};

} // namespace ktx
