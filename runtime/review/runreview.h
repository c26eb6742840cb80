#pragma once

#include "core/result.h"
#include "git/gitdiff.h"
#include "git/gitrepository.h"
#include "ingest/runstore.h"
#include "review/reviewstore.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace ktx {

// The unit and tool call that wrote a hunk, and the raw evidence the unit cited.
struct HunkProvenance
{
    QString unitKey;
    QString toolCallId;
    QString tool;
    QJsonObject input;
    QString output;
    QStringList rawPaths;

    QJsonObject toJson() const;
};

struct ReviewHunk
{
    DiffHunk hunk;
    std::optional<bool> accepted; // the effective decision; nullopt: undecided
    bool previouslyRejected = false; // the same change was refused in an earlier review
    QString previouslyRejectedIn; // the run whose review refused it (newest)
    HunkProvenance provenance;
};

struct ReviewFile
{
    FileDiff diff; // hunks are in `hunks` with their review state
    QList<ReviewHunk> hunks;
    std::optional<bool> accepted; // binary files are decided whole
    QJsonArray gateFindings; // gate events on this file's artifact
    QStringList rawPaths; // evidence cited by the tool calls that wrote the file
    // What the change means for a semantic-layer file or wiki page
    // (SemanticChangeSummary); empty for other files.
    QStringList semanticChanges;
};

// One pending run (status pending_review) opened for review: its diff against
// its base, per file and hunk, with provenance from the run's events and
// report, the decisions made so far, and `apply`, which lands only the
// accepted parts on the current branch.
class RunReview
{
public:
    static Result<RunReview> load(const QString &projectDir, const QString &runId);
    // Finishes an apply a kill interrupted (journal .ktx/review-apply.json):
    // when its landing happened, records the rejections, marks the run
    // reviewed and deletes its branch; otherwise drops the journal and the run
    // stays pending. True when there was one. load() and apply() call it.
    static Result<bool> recover(const QString &projectDir);

    const IngestRunRecord &run() const { return m_run; }
    const QList<ReviewFile> &files() const { return m_files; }
    // Hunks (1-based "path:n") with no decision.
    QStringList undecided() const;
    QJsonObject toJson() const;
    // A hunk's lines as `ktx review show --json` prints them ({kind, oldLine, newLine, text}).
    static QJsonArray linesJson(const DiffHunk &hunk);

    // Records a decision (path empty: the whole run; hunk -1: the whole file)
    // and updates the effective state.
    Result<void> decide(const ReviewDecision &decision);

    struct Applied
    {
        QString commitId; // empty when nothing was accepted
        QStringList landedPaths;
        QStringList leftOut; // "path:n" or "path"
        int rejectionsRecorded = 0;
    };
    // Lands the accepted hunks as one commit on the current branch through
    // WorktreeLanding, records the rejected ones, marks the run `reviewed` and
    // deletes its branch. Refuses, changing nothing, when a hunk is undecided
    // ("review_undecided"), when a file changed on the branch since the run so
    // that accepted hunks no longer apply ("review_conflict"), or when a person
    // has uncommitted edits to a touched file ("landing_dirty").
    Result<Applied> apply(const GitRepository::Signature &author);

private:
    RunReview() = default;
    void resolveDecisions();

    QString m_projectDir;
    IngestRunRecord m_run;
    QList<ReviewFile> m_files;
    QList<ReviewDecision> m_decisions;
};

} // namespace ktx
