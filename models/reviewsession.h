#pragma once

#include "git/gitdiff.h"
#include "review/pendingruns.h"
#include "review/runreview.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QThreadPool>

#include <memory>
#include <optional>

namespace ktx {

// The review of one pending run, for the desktop. Everything that reads git,
// the run store or the review store runs off the GUI thread: the RunReview
// lives on a one-thread pool (so decisions and apply run in the order they
// were made), and the GUI keeps value snapshots handed back by queued signals.
//
// Opening a run is two steps so a large run shows its first diff at once: the
// changed paths and the first file's diff (cheap), then the full RunReview
// (every file's diff, provenance, decisions) in the background. Diffs for
// display are read one file at a time, when a file is selected.
class ReviewSession : public QObject
{
    Q_OBJECT

public:
    explicit ReviewSession(QObject *parent = nullptr);
    ~ReviewSession() override;

    void setProject(const QString &projectDir);
    QString projectDir() const { return m_projectDir; }
    void clear();

    // Lists the pending runs (pendingRunsChanged), then their diff stats
    // (pendingRunStatsChanged; files, additions and deletions are -1 until then).
    void refreshRuns();
    const QList<PendingRun> &pendingRuns() const { return m_runs; }

    void openRun(const QString &runId);
    QString runId() const { return m_runId; }

    // Read-only reviews of changes that are not a pending run (ChangeReview):
    // the uncommitted edits, or one commit against its first parent. Files,
    // diffs and semantic summaries only: no decisions, no provenance, no apply.
    // filesListed then reviewLoaded as for a run; openFailed with the
    // runtime's message (an unknown ref, no repository).
    void openWorkTree();
    void openCommit(const QString &commit);
    enum class Source { None, Run, WorkTree, Commit };
    Source source() const { return m_source; }
    bool isReadOnly() const { return m_source == Source::WorkTree || m_source == Source::Commit; }
    // Commit: what was asked for, then the resolved commit ("id subject").
    QString commitRequested() const { return m_commitRequested; }
    QString commitTitle() const { return m_commitTitle; }
    QString runBranchTip() const { return m_tip; }
    // True once the full review (decisions, provenance, counts) is loaded.
    bool isLoaded() const { return m_loaded; }
    bool isBusy() const { return m_busy > 0; }
    // The run's files: paths only until loaded, then full ReviewFiles.
    const QList<ReviewFile> &files() const { return m_files; }
    int indexOf(const QString &path) const;
    // Effective decisions still missing ("path:n" / "path").
    int undecidedCount() const;
    // The earlier rejection of the same change ("" when none is known).
    QString rejectionNote(const QString &path, const DiffHunk &hunk) const;

    // Reads one file's diff and new content; diffReady when done (from a
    // cache when the file was read before).
    void requestDiff(const QString &path);
    std::optional<FileDiff> cachedDiff(const QString &path) const;
    QByteArray cachedAfter(const QString &path) const { return m_after.value(path); }

    // hunk -1: the whole file. Shown at once; stored in the background.
    void decide(const QString &path, int hunk, bool accept);
    // Lands the accepted parts (applyFinished).
    void apply();

    // A file's bytes on the run's branch (rawReady / rawFailed).
    void requestRaw(const QString &path);

Q_SIGNALS:
    void pendingRunsChanged(); // the list of runs changed
    void pendingRunStatsChanged(); // same runs, their file and line counts arrived
    void filesListed(); // the paths of the opened run
    void reviewLoaded(); // full files, decisions and provenance
    void openFailed(const QString &message);
    void diffReady(const QString &path);
    void decisionsChanged(const QString &path); // empty: several files
    void decisionFailed(const QString &message);
    void applyFinished(bool ok, const QString &message, const QString &commitId,
                       const QStringList &leftOut);
    void rawReady(const QString &path, const QByteArray &bytes);
    void rawFailed(const QString &path, const QString &message);
    void busyChanged(bool busy);

private:
    struct Loaded;
    template<typename T, typename Work, typename Done>
    void run(QThreadPool *pool, Work work, Done done, bool ofThisRun = true);
    void setBusy(int delta);
    void applyLocalDecision(const QString &path, int hunk, bool accept);
    void openChanges(Source source, const QString &commit);

    QString m_projectDir;
    QString m_runId;
    QString m_tip;
    Source m_source = Source::None;
    QString m_commitRequested;
    QString m_commitTitle;
    quint64 m_generation = 1; // 0 marks results not tied to a run
    int m_busy = 0;
    bool m_loaded = false;
    QList<PendingRun> m_runs;
    QList<ReviewFile> m_files;
    QHash<QString, int> m_index;
    QHash<QString, FileDiff> m_diffs; // read for display, by path
    QHash<QString, QByteArray> m_after;
    QList<ReviewDecision> m_queued; // shown, not yet stored
    QHash<QString, QString> m_rejections; // path + '\n' + hash -> summary of the earlier run
    QThreadPool m_serial; // the RunReview's thread
    std::shared_ptr<std::optional<RunReview>> m_review; // touched only on m_serial
};

} // namespace ktx
