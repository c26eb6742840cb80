#include "models/reviewsession.h"

#include "git/gitrepository.h"
#include "ingest/runstore.h"
#include "project/configloader.h"
#include "project/projectlocator.h"
#include "review/changereview.h"
#include "review/reviewstore.h"

#include <QDir>
#include <QFile>
#include <QFutureWatcher>
#include <QtConcurrent/QtConcurrentRun>

namespace ktx {

namespace {

// Files read for display are kept while the user moves between a few of them;
// beyond that the oldest go, so a long session does not hold every diff twice.
constexpr int DiffCacheSize = 24;

struct Listing
{
    QString error;
    QString tip;
    QStringList paths;
    QString firstPath;
    std::optional<FileDiff> firstDiff;
    QByteArray firstAfter;
};

struct DiffRead
{
    QString error;
    FileDiff diff;
    QByteArray after;
};

struct FullLoad
{
    QString error;
    QString tip;
    QList<ReviewFile> files;
    QHash<QString, QString> rejections;
};

struct DecisionResult
{
    QString error;
    QList<ReviewFile> files;
};

struct ApplyResult
{
    bool ok = false;
    QString message;
    RunReview::Applied applied;
};

struct ChangeLoad
{
    QString error;
    QString title;
    QList<ReviewFile> files;
    QHash<QString, QByteArray> after; // Markdown files' new text, for the preview
};

struct RawRead
{
    QString error;
    QByteArray bytes;
};

DiffRead readDiff(const QString &projectDir, const QString &base, const QString &tip,
                  const QString &path, const QString &oldPath = {})
{
    DiffRead out;
    auto repository = GitRepository::open(projectDir);
    if (!repository.ok()) {
        out.error = repository.error().message;
        return out;
    }
    // A renamed file's old side is at its old path.
    auto before = repository->fileAt(base, oldPath.isEmpty() ? path : oldPath);
    auto after = repository->fileAt(tip, path);
    if (!before.ok() || !after.ok()) {
        out.error = (!before.ok() ? before.error() : after.error()).message;
        return out;
    }
    auto diff = GitDiff::diffFile(path, *before, *after);
    if (!diff.ok()) {
        out.error = diff.error().message;
        return out;
    }
    out.diff = *diff;
    out.after = after->value_or(QByteArray());
    return out;
}

} // namespace

ReviewSession::ReviewSession(QObject *parent)
    : QObject(parent)
    , m_review(std::make_shared<std::optional<RunReview>>())
{
    m_serial.setMaxThreadCount(1);
}

ReviewSession::~ReviewSession()
{
    // Decisions already made are stored before the window goes away.
    m_serial.waitForDone();
}

template<typename T, typename Work, typename Done>
void ReviewSession::run(QThreadPool *pool, Work work, Done done, bool ofThisRun)
{
    auto *watcher = new QFutureWatcher<T>(this);
    // Results about the project (the run list) outlive the run that was open.
    const quint64 generation = ofThisRun ? m_generation : 0;
    setBusy(+1);
    connect(watcher, &QFutureWatcher<T>::finished, this, [this, watcher, generation, done] {
        watcher->deleteLater();
        setBusy(-1);
        // A result for a run that is no longer open is dropped.
        if (generation == 0 || generation == m_generation)
            done(watcher->result());
    });
    watcher->setFuture(QtConcurrent::run(pool, std::move(work)));
}

void ReviewSession::setBusy(int delta)
{
    const bool was = m_busy > 0;
    m_busy += delta;
    if (was != (m_busy > 0))
        Q_EMIT busyChanged(m_busy > 0);
}

void ReviewSession::setProject(const QString &projectDir)
{
    clear();
    m_projectDir = projectDir;
}

void ReviewSession::clear()
{
    ++m_generation;
    m_runId.clear();
    m_tip.clear();
    m_source = Source::None;
    m_commitRequested.clear();
    m_commitTitle.clear();
    m_loaded = false;
    m_files.clear();
    m_index.clear();
    m_diffs.clear();
    m_after.clear();
    m_rejections.clear();
    m_queued.clear();
    // The old review is dropped on its own thread, after anything queued there.
    auto review = m_review;
    (void)QtConcurrent::run(&m_serial, [review] { review->reset(); });
    m_review = std::make_shared<std::optional<RunReview>>();
}

void ReviewSession::refreshRuns()
{
    const QString dir = m_projectDir;
    if (dir.isEmpty())
        return;
    // The runs themselves are cheap to list; their diff stats need every
    // file's diff, so they follow in a second step (which may finish first).
    auto statsArrived = std::make_shared<bool>(false);
    auto listed = std::make_shared<bool>(false);
    run<QList<PendingRun>>(
        QThreadPool::globalInstance(),
        [dir] {
            QList<PendingRun> out;
            auto store = RunStore::open(dir);
            auto repository = GitRepository::open(dir);
            if (!store.ok() || !repository.ok())
                return out;
            for (const IngestRunRecord &record : (*store)->runs({}, 10000))
                if (record.status == QLatin1String("pending_review")
                    && !repository->branchTarget(record.runBranch).isEmpty()) {
                    PendingRun run;
                    run.record = record;
                    run.files = run.additions = run.deletions = -1;
                    out << run;
                }
            return out;
        },
        [this, statsArrived, listed](const QList<PendingRun> &runs) {
            if (*statsArrived)
                return;
            *listed = true;
            m_runs = runs;
            Q_EMIT pendingRunsChanged();
        },
        false);
    run<Result<QList<PendingRun>>>(
        QThreadPool::globalInstance(), [dir] { return PendingRuns::list(dir); },
        [this, statsArrived, listed](const Result<QList<PendingRun>> &runs) {
            if (!runs.ok())
                return;
            *statsArrived = true;
            // Stats first: this is the list's first delivery (even when it is
            // as empty as the one held before).
            bool same = *listed && runs->size() == m_runs.size();
            for (qsizetype i = 0; same && i < runs->size(); ++i)
                same = runs->at(i).record.runId == m_runs.at(i).record.runId;
            m_runs = *runs;
            if (same)
                Q_EMIT pendingRunStatsChanged();
            else
                Q_EMIT pendingRunsChanged();
        },
        false);
}

void ReviewSession::openRun(const QString &runId)
{
    clear();
    m_runId = runId;
    m_source = Source::Run;
    const QString dir = m_projectDir;

    run<Listing>(
        QThreadPool::globalInstance(),
        [dir, runId] {
            Listing out;
            auto store = RunStore::open(dir);
            if (!store.ok()) {
                out.error = store.error().message;
                return out;
            }
            const auto record = (*store)->run(runId);
            auto repository = GitRepository::open(dir);
            if (!record || !repository.ok()) {
                out.error = !record ? tr("No ingest run %1 in this project.").arg(runId)
                                    : repository.error().message;
                return out;
            }
            out.tip = repository->branchTarget(record->runBranch);
            if (record->status != QLatin1String("pending_review") || out.tip.isEmpty()) {
                out.error = tr("Run %1 is not waiting for review (status %2).")
                                .arg(runId, record->status);
                return out;
            }
            auto paths = repository->changedPaths(record->baseCommit, out.tip);
            if (!paths.ok()) {
                out.error = paths.error().message;
                return out;
            }
            out.paths = *paths;
            if (!out.paths.isEmpty()) {
                DiffRead first = readDiff(dir, record->baseCommit, out.tip, out.paths.first());
                if (first.error.isEmpty()) {
                    out.firstPath = out.paths.first();
                    out.firstDiff = first.diff;
                    out.firstAfter = first.after;
                }
            }
            return out;
        },
        [this](const Listing &listing) {
            if (!listing.error.isEmpty()) {
                Q_EMIT openFailed(listing.error);
                return;
            }
            if (m_loaded)
                return; // the full load was faster
            m_tip = listing.tip;
            for (const QString &path : listing.paths) {
                ReviewFile file;
                file.diff.path = path;
                m_index.insert(path, int(m_files.size()));
                m_files << file;
            }
            if (listing.firstDiff) {
                m_diffs.insert(listing.firstPath, *listing.firstDiff);
                m_after.insert(listing.firstPath, listing.firstAfter);
            }
            Q_EMIT filesListed();
            if (listing.firstDiff)
                Q_EMIT diffReady(listing.firstPath);
        });

    auto review = m_review;
    run<FullLoad>(
        &m_serial,
        [dir, runId, review] {
            FullLoad out;
            auto loaded = RunReview::load(dir, runId);
            if (!loaded.ok()) {
                out.error = loaded.error().message;
                return out;
            }
            *review = std::move(*loaded);
            out.tip = (*review)->run().commitId;
            out.files = (*review)->files();
            QStringList refusedPaths;
            for (const ReviewFile &f : std::as_const(out.files))
                for (const ReviewHunk &h : f.hunks)
                    if (h.previouslyRejected && !refusedPaths.contains(f.diff.path))
                        refusedPaths << f.diff.path;
            if (!refusedPaths.isEmpty())
                if (auto store = ReviewStore::open(dir); store.ok())
                    for (const ReviewRejection &r : (*store)->rejectionsFor(refusedPaths))
                        if (r.runId != runId)
                            out.rejections.insert(
                                r.path + QLatin1Char('\n') + r.textHash,
                                tr("Refused in run %1: %2").arg(r.runId, r.summary));
            return out;
        },
        [this](const FullLoad &load) {
            if (!load.error.isEmpty()) {
                Q_EMIT openFailed(load.error);
                return;
            }
            m_tip = load.tip;
            m_files = load.files;
            m_index.clear();
            for (int i = 0; i < m_files.size(); ++i)
                m_index.insert(m_files.at(i).diff.path, i);
            m_rejections = load.rejections;
            for (const ReviewFile &f : std::as_const(m_files))
                if (!f.diff.oldPath.isEmpty()) {
                    m_diffs.remove(f.diff.path);
                    m_after.remove(f.diff.path);
                }
            m_loaded = true;
            Q_EMIT reviewLoaded();
        });
}

void ReviewSession::openWorkTree()
{
    openChanges(Source::WorkTree, {});
}

void ReviewSession::openCommit(const QString &commit)
{
    openChanges(Source::Commit, commit);
}

void ReviewSession::openChanges(Source source, const QString &commit)
{
    clear();
    m_source = source;
    m_commitRequested = commit;
    const QString dir = m_projectDir;
    // One step: ChangeReview reads every diff anyway, and these are a
    // person's edits or one commit, not a bulk ingest.
    run<ChangeLoad>(
        QThreadPool::globalInstance(),
        [dir, source, commit] {
            ChangeLoad out;
            auto loaded = source == Source::WorkTree ? ChangeReview::forWorkTree(dir)
                                                     : ChangeReview::forCommit(dir, commit);
            if (!loaded.ok()) {
                out.error = loaded.error().message;
                if (!loaded.error().hint.isEmpty())
                    out.error += QLatin1Char('\n') + loaded.error().hint;
                return out;
            }
            out.files = loaded->files();
            if (source == Source::Commit)
                out.title = QStringLiteral("%1 %2").arg(loaded->commit().id.left(12),
                                                        loaded->commit().subject);
            auto repository = GitRepository::open(dir);
            for (const ReviewFile &f : std::as_const(out.files)) {
                const QString &path = f.diff.path;
                if (f.diff.status == FileDiff::Status::Deleted
                    || !(path.endsWith(QLatin1String(".md"), Qt::CaseInsensitive)
                         || path.endsWith(QLatin1String(".markdown"), Qt::CaseInsensitive)))
                    continue;
                if (source == Source::WorkTree) {
                    QFile file(QDir(dir).filePath(path));
                    if (file.open(QIODevice::ReadOnly))
                        out.after.insert(path, file.readAll());
                } else if (repository.ok()) {
                    if (auto bytes = repository->fileAt(loaded->commit().id, path);
                        bytes.ok() && *bytes)
                        out.after.insert(path, **bytes);
                }
            }
            return out;
        },
        [this](const ChangeLoad &load) {
            if (!load.error.isEmpty()) {
                Q_EMIT openFailed(load.error);
                return;
            }
            m_commitTitle = load.title;
            m_files = load.files;
            for (int i = 0; i < m_files.size(); ++i) {
                const ReviewFile &f = m_files.at(i);
                m_index.insert(f.diff.path, i);
                // Every diff is already read: nothing is fetched per file later.
                m_diffs.insert(f.diff.path, f.diff);
                m_after.insert(f.diff.path, load.after.value(f.diff.path));
            }
            m_loaded = true;
            Q_EMIT filesListed();
            Q_EMIT reviewLoaded();
        });
}

int ReviewSession::indexOf(const QString &path) const
{
    return m_index.value(path, -1);
}

int ReviewSession::undecidedCount() const
{
    int count = 0;
    for (const ReviewFile &file : m_files) {
        if (file.diff.binary || file.hunks.isEmpty()) {
            count += file.accepted ? 0 : 1;
            continue;
        }
        for (const ReviewHunk &h : file.hunks)
            count += h.accepted ? 0 : 1;
    }
    return count;
}

QString ReviewSession::rejectionNote(const QString &path, const DiffHunk &hunk) const
{
    return m_rejections.value(path + QLatin1Char('\n') + ReviewStore::hashOf(hunk.changeText()));
}

std::optional<FileDiff> ReviewSession::cachedDiff(const QString &path) const
{
    const auto it = m_diffs.constFind(path);
    if (it == m_diffs.cend())
        return std::nullopt;
    return *it;
}

void ReviewSession::requestDiff(const QString &path)
{
    if (m_diffs.contains(path)) {
        Q_EMIT diffReady(path);
        return;
    }
    if (m_runId.isEmpty())
        return;
    const QString dir = m_projectDir;
    const QString tip = m_tip;
    const QString runId = m_runId;
    const int row = indexOf(path);
    const QString oldPath = row >= 0 ? m_files.at(row).diff.oldPath : QString();
    run<DiffRead>(
        QThreadPool::globalInstance(),
        [dir, runId, tip, path, oldPath] {
            auto store = RunStore::open(dir);
            if (!store.ok())
                return DiffRead {store.error().message, {}, {}};
            const auto record = (*store)->run(runId);
            if (!record)
                return DiffRead {tr("No ingest run %1 in this project.").arg(runId), {}, {}};
            DiffRead read = readDiff(dir, record->baseCommit, tip, path, oldPath);
            if (read.error.isEmpty() && !oldPath.isEmpty()) {
                read.diff.oldPath = oldPath;
                read.diff.status = FileDiff::Status::Renamed;
            }
            return read;
        },
        [this, path](const DiffRead &read) {
            if (!read.error.isEmpty()) {
                Q_EMIT openFailed(read.error);
                return;
            }
            if (m_diffs.size() >= DiffCacheSize) {
                m_diffs.clear();
                m_after.clear();
            }
            m_diffs.insert(path, read.diff);
            m_after.insert(path, read.after);
            Q_EMIT diffReady(path);
        });
}

void ReviewSession::applyLocalDecision(const QString &path, int hunk, bool accept)
{
    const int i = indexOf(path);
    if (i < 0)
        return;
    ReviewFile &file = m_files[i];
    if (hunk < 0) {
        file.accepted = accept;
        for (ReviewHunk &h : file.hunks)
            h.accepted = accept;
    } else if (hunk < file.hunks.size()) {
        file.hunks[hunk].accepted = accept;
    }
}

void ReviewSession::decide(const QString &path, int hunk, bool accept)
{
    if (!m_loaded || isReadOnly())
        return;
    applyLocalDecision(path, hunk, accept);
    Q_EMIT decisionsChanged(path);
    auto review = m_review;
    const ReviewDecision decision {path, hunk, accept};
    m_queued << decision;
    run<DecisionResult>(
        &m_serial,
        [review, decision] {
            DecisionResult out;
            if (!review->has_value())
                return DecisionResult {tr("The run is not loaded."), {}};
            if (Result<void> r = (*review)->decide(decision); !r.ok())
                out.error = r.error().message;
            out.files = (*review)->files();
            return out;
        },
        [this, path](const DecisionResult &result) {
            if (!m_queued.isEmpty())
                m_queued.removeFirst();
            if (!result.error.isEmpty())
                Q_EMIT decisionFailed(result.error);
            // The stored state wins; decisions still queued behind this one stay shown.
            m_files = result.files;
            for (const ReviewDecision &d : std::as_const(m_queued))
                applyLocalDecision(d.path, d.hunk, d.accept);
            Q_EMIT decisionsChanged(result.error.isEmpty() ? path : QString());
        });
}

void ReviewSession::apply()
{
    if (!m_loaded || isReadOnly())
        return;
    auto review = m_review;
    const QString dir = m_projectDir;
    run<ApplyResult>(
        &m_serial,
        [review, dir] {
            ApplyResult out;
            if (!review->has_value()) {
                out.message = tr("The run is not loaded.");
                return out;
            }
            ProjectConfig config;
            if (auto loaded = ConfigLoader::loadFile(ProjectLocator::configPath(dir)); loaded.ok())
                config = loaded->config;
            const auto author = GitRepository::Signature::parse(
                config.storage.gitAuthor,
                {QStringLiteral("ktx"), QStringLiteral("ktx@example.com")});
            auto applied = (*review)->apply(author);
            if (!applied.ok()) {
                out.message = applied.error().message;
                if (!applied.error().hint.isEmpty())
                    out.message += QLatin1Char('\n') + applied.error().hint;
                return out;
            }
            out.ok = true;
            out.applied = *applied;
            return out;
        },
        [this](const ApplyResult &result) {
            if (!result.ok) {
                Q_EMIT applyFinished(false, result.message, {}, {});
                return;
            }
            const QString message = result.applied.commitId.isEmpty()
                ? tr("Nothing accepted: run %1 closed without a commit; %2 rejection(s) "
                     "remembered.")
                      .arg(m_runId)
                      .arg(result.applied.rejectionsRecorded)
                : tr("Landed %1 file(s) of %2 as %3; %4 change(s) left out and remembered.")
                      .arg(result.applied.landedPaths.size())
                      .arg(m_runId, result.applied.commitId.left(12))
                      .arg(result.applied.leftOut.size());
            Q_EMIT applyFinished(true, message, result.applied.commitId, result.applied.leftOut);
        });
}

void ReviewSession::requestRaw(const QString &path)
{
    if (isReadOnly())
        return; // no provenance, so no evidence to open
    const QString dir = m_projectDir;
    const QString tip = m_tip;
    run<RawRead>(
        QThreadPool::globalInstance(),
        [dir, tip, path] {
            auto repository = GitRepository::open(dir);
            if (!repository.ok())
                return RawRead {repository.error().message, {}};
            auto bytes = repository->fileAt(tip, path);
            if (!bytes.ok())
                return RawRead {bytes.error().message, {}};
            if (!*bytes)
                return RawRead {tr("%1 is not on the run's branch.").arg(path), {}};
            return RawRead {{}, **bytes};
        },
        [this, path](const RawRead &read) {
            if (read.error.isEmpty())
                Q_EMIT rawReady(path, read.bytes);
            else
                Q_EMIT rawFailed(path, read.error);
        });
}

} // namespace ktx
