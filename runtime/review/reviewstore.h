#pragma once

#include "core/result.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

#include <memory>

namespace ktx {

// A person's decision on part of a pending run. The most specific decision
// wins: a hunk's over its file's, a file's over the run's.
struct ReviewDecision
{
    QString path; // empty: the whole run
    int hunk = -1; // 0-based; -1: the whole file (or run)
    bool accept = false;
};

// A change a person refused, remembered so later runs are told about it and a
// run proposing it again is marked as such.
struct ReviewRejection
{
    QString runId;
    QString path;
    QString entityKey; // "<connectionId>:<source>" or "wiki:<key>" (the gates' artifact keys)
    QString textHash; // sha256 of the refused change (DiffHunk::changeText)
    QString summary;
    qint64 atMs = 0;
    QByteArray changeText; // what was refused, for later prompts (bounded)
    QStringList rawPaths; // the evidence the refused change cited
};

// Review state in <project>/.ktx/db.sqlite (tables review_decisions and
// review_rejections), next to the run store; used from one thread.
class ReviewStore
{
public:
    ~ReviewStore();
    ReviewStore(const ReviewStore &) = delete;
    ReviewStore &operator=(const ReviewStore &) = delete;

    static Result<std::unique_ptr<ReviewStore>> open(const QString &projectDir);

    Result<void> setDecision(const QString &runId, const ReviewDecision &decision);
    QList<ReviewDecision> decisions(const QString &runId) const;

    // All rows in one transaction: either every rejection of an apply is
    // remembered or none.
    Result<void> recordRejections(const QList<ReviewRejection> &rejections);
    // The rejections of `runId` become exactly `rejections` (one transaction):
    // redoing an interrupted apply never records a refusal twice.
    Result<void> replaceRejections(const QString &runId, const QList<ReviewRejection> &rejections);
    // The rejections recorded for any of `paths` (every rejection when empty),
    // newest first: what later runs' prompts should show.
    QList<ReviewRejection> rejectionsFor(const QStringList &paths) const;

    static QString entityKeyFor(const QString &path);
    static QString hashOf(const QByteArray &changeText);

private:
    explicit ReviewStore(QString connectionName);
    QString m_connection;
};

} // namespace ktx
