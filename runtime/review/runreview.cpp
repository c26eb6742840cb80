#include "review/runreview.h"

#include "review/semanticchangesummary.h"

#include "core/atomicfile.h"
#include "git/worktreelanding.h"
#include "ingest/runeventlog.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>

#include <unistd.h>

namespace ktx {

namespace {

struct ToolWrite
{
    HunkProvenance call;
    QString inputText; // compact JSON, to find which call wrote which lines
};

// The JSON-escaped form of a line, as it appears inside a tool call's input.
QString jsonEscaped(const QString &text)
{
    const QByteArray doc = QJsonDocument(QJsonArray {text}).toJson(QJsonDocument::Compact);
    return QString::fromUtf8(doc.mid(2, doc.size() - 4));
}

// Write tools per path, in the order the run made them: an accepted
// write_decision names the path, and the unit's next tool_call event of the
// same tool is the call that made it (decisions are posted while the tool runs,
// the call when it returns).
QHash<QString, QList<ToolWrite>> writesByPath(const QList<IngestEvent> &events,
                                              const QJsonObject &report,
                                              QHash<QString, QJsonArray> *gateFindings)
{
    QHash<QString, QStringList> cited; // unitKey + '\n' + path -> raw paths
    for (const QJsonValue &unit : report.value(QStringLiteral("workUnits")).toArray()) {
        const QString unitKey = unit[QStringLiteral("unitKey")].toString();
        for (const QJsonValue &action : unit[QStringLiteral("actions")].toArray()) {
            QStringList &raw
                = cited[unitKey + QLatin1Char('\n') + action[QStringLiteral("path")].toString()];
            for (const QJsonValue &p : action[QStringLiteral("rawPaths")].toArray())
                if (!raw.contains(p.toString()))
                    raw << p.toString();
        }
    }

    QHash<QString, QList<ToolWrite>> out;
    QHash<QString, QList<QPair<QString, QString>>> waiting; // unitKey -> (tool, path)
    for (const IngestEvent &e : events) {
        if (e.type == IngestEvent::Type::WriteDecision
            && e.data.value(QStringLiteral("accepted")).toBool()) {
            waiting[e.unitKey] << qMakePair(e.data.value(QStringLiteral("tool")).toString(),
                                            e.data.value(QStringLiteral("path")).toString());
        } else if (e.type == IngestEvent::Type::ToolCall) {
            const QString tool = e.data.value(QStringLiteral("tool")).toString();
            auto &pending = waiting[e.unitKey];
            for (qsizetype i = 0; i < pending.size();) {
                if (pending.at(i).first != tool) {
                    ++i;
                    continue;
                }
                ToolWrite w;
                w.call.unitKey = e.unitKey;
                w.call.toolCallId = e.data.value(QStringLiteral("toolCallId")).toString();
                w.call.tool = tool;
                w.call.input = e.data.value(QStringLiteral("input")).toObject();
                w.call.output = e.data.value(QStringLiteral("output")).toString();
                w.call.rawPaths = cited.value(e.unitKey + QLatin1Char('\n') + pending.at(i).second);
                w.inputText
                    = QString::fromUtf8(QJsonDocument(w.call.input).toJson(QJsonDocument::Compact));
                out[pending.at(i).second] << w;
                pending.removeAt(i);
            }
        } else if (e.type == IngestEvent::Type::GateFinding && gateFindings) {
            (*gateFindings)[e.data.value(QStringLiteral("artifact")).toString()] << e.data;
        }
    }
    return out;
}

HunkProvenance provenanceOf(const DiffHunk &hunk, const QList<ToolWrite> &writes)
{
    if (writes.isEmpty())
        return {};
    for (const DiffLine &line : hunk.lines) {
        if (line.kind != DiffLine::Kind::Added)
            continue;
        const QString needle = jsonEscaped(QString::fromUtf8(line.text).trimmed());
        if (needle.isEmpty())
            continue;
        for (qsizetype i = writes.size() - 1; i >= 0; --i)
            if (writes.at(i).inputText.contains(needle))
                return writes.at(i).call;
        break;
    }
    return writes.last().call; // the file's last writer
}

QString summaryOf(const QString &path, const DiffHunk &hunk)
{
    QString first;
    for (const DiffLine &l : hunk.lines)
        if (l.kind != DiffLine::Kind::Context) {
            first = QString::fromUtf8(l.text).trimmed();
            if (l.kind == DiffLine::Kind::Added)
                first.prepend(QLatin1Char('+'));
            else
                first.prepend(QLatin1Char('-'));
            break;
        }
    return QStringLiteral("%1 %2 (+%3/-%4): %5")
        .arg(path, hunk.header.section(QStringLiteral("@@"), 1, 1).trimmed())
        .arg(hunk.additions())
        .arg(hunk.deletions())
        .arg(first.left(120));
}

// Test hook: the kill test stops the process at a named point of apply's
// bookkeeping (KTX_TEST_REVIEW_CRASH_AT=journal|landed|rejections|status|branch).
void crashPoint(const char *name)
{
    static const QByteArray at = qgetenv("KTX_TEST_REVIEW_CRASH_AT");
    if (!at.isEmpty() && at == name)
        ::_exit(86);
}

QString applyJournalPath(const QString &projectDir)
{
    return QDir(projectDir).filePath(QStringLiteral(".ktx/review-apply.json"));
}

QJsonObject rejectionJson(const ReviewRejection &r)
{
    return {{QStringLiteral("runId"), r.runId},
            {QStringLiteral("path"), r.path},
            {QStringLiteral("entityKey"), r.entityKey},
            {QStringLiteral("textHash"), r.textHash},
            {QStringLiteral("summary"), r.summary},
            {QStringLiteral("changeText"), QString::fromUtf8(r.changeText)},
            {QStringLiteral("rawPaths"), QJsonArray::fromStringList(r.rawPaths)}};
}

ReviewRejection rejectionFromJson(const QJsonObject &o)
{
    ReviewRejection r;
    r.runId = o.value(QStringLiteral("runId")).toString();
    r.path = o.value(QStringLiteral("path")).toString();
    r.entityKey = o.value(QStringLiteral("entityKey")).toString();
    r.textHash = o.value(QStringLiteral("textHash")).toString();
    r.summary = o.value(QStringLiteral("summary")).toString();
    r.changeText = o.value(QStringLiteral("changeText")).toString().toUtf8();
    for (const QJsonValue &v : o.value(QStringLiteral("rawPaths")).toArray())
        r.rawPaths << v.toString();
    return r;
}

// The bookkeeping after a landing, each step idempotent so a journal can redo
// all of them: rejections (replacing the run's rows), run status, branch.
Result<void> finishApply(const QString &projectDir, GitRepository &repository,
                         const QJsonObject &journal)
{
    const QString runId = journal.value(QStringLiteral("runId")).toString();
    QList<ReviewRejection> rejections;
    for (const QJsonValue &v : journal.value(QStringLiteral("rejections")).toArray())
        rejections << rejectionFromJson(v.toObject());
    auto reviews = ReviewStore::open(projectDir);
    if (!reviews.ok())
        return reviews.error();
    if (Result<void> r = (*reviews)->replaceRejections(runId, rejections); !r.ok())
        return r;
    crashPoint("rejections");
    auto store = RunStore::open(projectDir);
    if (!store.ok())
        return store.error();
    if (auto record = (*store)->run(runId)) {
        record->status = QStringLiteral("reviewed");
        record->landedCommit = journal.value(QStringLiteral("landedCommit")).toString();
        if (Result<void> r = (*store)->updateRun(*record); !r.ok())
            return r;
    }
    crashPoint("status");
    if (Result<void> r
        = repository.deleteBranch(journal.value(QStringLiteral("branch")).toString());
        !r.ok())
        return r;
    crashPoint("branch");
    QFile::remove(applyJournalPath(projectDir));
    return {};
}

// Under the project lock, after WorktreeLanding::recover: finishes or drops
// the journal of an interrupted apply. Returns the run it named, or empty.
Result<QString> finishJournal(const QString &projectDir, GitRepository &repository)
{
    QFile file(applyJournalPath(projectDir));
    if (!file.exists())
        return QString();
    if (!file.open(QIODevice::ReadOnly))
        return makeError(QStringLiteral("review_recovery"),
                         QStringLiteral("Cannot read %1").arg(file.fileName()),
                         QStringLiteral("Check the permissions of the project's .ktx folder."));
    const QJsonObject journal = QJsonDocument::fromJson(file.readAll()).object();
    file.close();
    const QString landed = journal.value(QStringLiteral("landedCommit")).toString();
    const QString target
        = repository.branchTarget(journal.value(QStringLiteral("onto")).toString());
    if (!landed.isEmpty() && target != landed
        && target == journal.value(QStringLiteral("head")).toString()) {
        // Killed before the branch moved: nothing landed, the run stays pending.
        QFile::remove(applyJournalPath(projectDir));
    } else if (Result<void> r = finishApply(projectDir, repository, journal); !r.ok()) {
        return r.error();
    }
    return journal.value(QStringLiteral("runId")).toString();
}

QJsonValue decisionJson(const std::optional<bool> &d)
{
    if (!d)
        return QStringLiteral("undecided");
    return *d ? QStringLiteral("accepted") : QStringLiteral("rejected");
}

} // namespace

QJsonObject HunkProvenance::toJson() const
{
    return {{QStringLiteral("unitKey"), unitKey},
            {QStringLiteral("toolCallId"), toolCallId},
            {QStringLiteral("tool"), tool},
            {QStringLiteral("input"), input},
            {QStringLiteral("rawPaths"), QJsonArray::fromStringList(rawPaths)}};
}

Result<bool> RunReview::recover(const QString &projectDir)
{
    if (!QFile::exists(applyJournalPath(projectDir)))
        return false;
    auto lock = WorktreeLanding::lockProject(projectDir);
    if (!lock.ok())
        return lock.error();
    auto repository = GitRepository::open(projectDir);
    if (!repository.ok())
        return repository.error();
    if (auto r = WorktreeLanding::recover(repository.value()); !r.ok())
        return r.error();
    auto finished = finishJournal(projectDir, repository.value());
    if (!finished.ok())
        return finished.error();
    return !finished->isEmpty();
}

Result<RunReview> RunReview::load(const QString &projectDir, const QString &runId)
{
    // An apply killed after its landing is finished first, so a landed run is
    // never shown as pending. Best effort: busy (an ingest holds the lock)
    // leaves it for the next apply, which recovers under the lock.
    if (QFile::exists(applyJournalPath(projectDir)))
        (void)recover(projectDir);
    auto store = RunStore::open(projectDir);
    if (!store.ok())
        return store.error();
    const auto record = (*store)->run(runId);
    if (!record)
        return makeError(QStringLiteral("review_unknown_run"),
                         QStringLiteral("No ingest run %1 in this project.").arg(runId),
                         QStringLiteral("`ktx review` lists the runs waiting for review."));
    auto repository = GitRepository::open(projectDir);
    if (!repository.ok())
        return repository.error();
    const QString tip = repository->branchTarget(record->runBranch);
    if (record->status != QLatin1String("pending_review") || tip.isEmpty())
        return makeError(QStringLiteral("review_not_pending"),
                         QStringLiteral("Run %1 is not waiting for review (status %2).")
                             .arg(runId, record->status),
                         QStringLiteral("`ktx review` lists the runs waiting for review."));
    // Both versions once: the diff and the semantic summary read the same bytes.
    auto versions = GitDiff::versionsBetween(*repository, record->baseCommit, tip);
    if (!versions.ok())
        return versions.error();
    QList<FileDiff> diffs;
    for (const FileVersions &v : std::as_const(*versions)) {
        auto diff = GitDiff::diffVersions(v);
        if (!diff.ok())
            return diff.error();
        diffs << *diff;
    }

    QList<IngestEvent> events;
    if (auto read = RunEventLog::read(RunEventLog::pathFor(projectDir, runId)); read.ok())
        events = *read; // provenance is best effort: a run without events still reviews
    QHash<QString, QJsonArray> gates;
    const auto writes
        = writesByPath(events, (*store)->report(runId).value_or(QJsonObject()), &gates);

    auto reviews = ReviewStore::open(projectDir);
    if (!reviews.ok())
        return reviews.error();
    QStringList paths;
    for (const FileDiff &f : std::as_const(diffs))
        paths << f.path;
    QHash<QString, QString> refused; // path + '\n' + hash -> newest refusing run (not this one)
    for (const ReviewRejection &r : (*reviews)->rejectionsFor(paths))
        if (r.runId != runId && !refused.contains(r.path + QLatin1Char('\n') + r.textHash))
            refused.insert(r.path + QLatin1Char('\n') + r.textHash, r.runId);

    RunReview review;
    review.m_projectDir = projectDir;
    review.m_run = *record;
    review.m_run.commitId = tip;
    for (qsizetype i = 0; i < diffs.size(); ++i) {
        const FileDiff &f = diffs.at(i);
        ReviewFile file;
        file.diff = f;
        file.gateFindings = gates.value(ReviewStore::entityKeyFor(f.path));
        file.semanticChanges = SemanticChangeSummary::describe(f.path, versions->at(i).before,
                                                               versions->at(i).after);
        for (const ToolWrite &w : writes.value(f.path))
            for (const QString &raw : w.call.rawPaths)
                if (!file.rawPaths.contains(raw))
                    file.rawPaths << raw;
        for (const DiffHunk &h : f.hunks) {
            ReviewHunk hunk;
            hunk.hunk = h;
            hunk.provenance = provenanceOf(h, writes.value(f.path));
            hunk.previouslyRejectedIn
                = refused.value(f.path + QLatin1Char('\n') + ReviewStore::hashOf(h.changeText()));
            hunk.previouslyRejected = !hunk.previouslyRejectedIn.isEmpty();
            file.hunks << hunk;
        }
        review.m_files << file;
    }
    review.m_decisions = (*reviews)->decisions(runId);
    review.resolveDecisions();
    return review;
}

void RunReview::resolveDecisions()
{
    std::optional<bool> runLevel;
    QHash<QString, bool> fileLevel;
    QHash<QString, bool> hunkLevel; // path + '\n' + index
    for (const ReviewDecision &d : std::as_const(m_decisions)) {
        if (d.path.isEmpty())
            runLevel = d.accept;
        else if (d.hunk < 0)
            fileLevel.insert(d.path, d.accept);
        else
            hunkLevel.insert(d.path + QLatin1Char('\n') + QString::number(d.hunk), d.accept);
    }
    for (ReviewFile &file : m_files) {
        std::optional<bool> fileState = runLevel;
        if (fileLevel.contains(file.diff.path))
            fileState = fileLevel.value(file.diff.path);
        file.accepted = fileState;
        for (int i = 0; i < file.hunks.size(); ++i) {
            const QString key = file.diff.path + QLatin1Char('\n') + QString::number(i);
            file.hunks[i].accepted
                = hunkLevel.contains(key) ? std::optional<bool>(hunkLevel.value(key)) : fileState;
        }
    }
}

QStringList RunReview::undecided() const
{
    QStringList out;
    for (const ReviewFile &file : m_files) {
        if (file.diff.binary || file.hunks.isEmpty()) {
            if (!file.accepted)
                out << file.diff.path;
            continue;
        }
        for (int i = 0; i < file.hunks.size(); ++i)
            if (!file.hunks.at(i).accepted)
                out << QStringLiteral("%1:%2").arg(file.diff.path).arg(i + 1);
    }
    return out;
}

Result<void> RunReview::decide(const ReviewDecision &decision)
{
    if (!decision.path.isEmpty()) {
        const auto it = std::find_if(m_files.cbegin(), m_files.cend(), [&](const ReviewFile &f) {
            return f.diff.path == decision.path;
        });
        if (it == m_files.cend())
            return makeError(
                QStringLiteral("review_unknown_path"),
                QStringLiteral("Run %1 does not change %2.").arg(m_run.runId, decision.path),
                QStringLiteral("`ktx review show %1` lists its files.").arg(m_run.runId));
        if (decision.hunk >= 0 && decision.hunk >= it->hunks.size())
            return makeError(QStringLiteral("review_unknown_hunk"),
                             QStringLiteral("%1 has %2 hunk(s) in run %3; there is no hunk %4.")
                                 .arg(decision.path)
                                 .arg(it->hunks.size())
                                 .arg(m_run.runId)
                                 .arg(decision.hunk + 1),
                             it->diff.binary ? QStringLiteral("A binary file is decided whole: "
                                                              "use --file.")
                                             : QString());
    }
    auto store = ReviewStore::open(m_projectDir);
    if (!store.ok())
        return store.error();
    if (Result<void> r = (*store)->setDecision(m_run.runId, decision); !r.ok())
        return r;
    m_decisions = (*store)->decisions(m_run.runId);
    resolveDecisions();
    return {};
}

QJsonArray RunReview::linesJson(const DiffHunk &hunk)
{
    QJsonArray lines;
    for (const DiffLine &l : hunk.lines) {
        QString text = QString::fromUtf8(l.text);
        if (text.endsWith(QLatin1Char('\n')))
            text.chop(1);
        lines.append(QJsonObject {
            {QStringLiteral("kind"),
             l.kind == DiffLine::Kind::Added
                 ? QStringLiteral("+")
                 : (l.kind == DiffLine::Kind::Removed ? QStringLiteral("-") : QStringLiteral(" "))},
            {QStringLiteral("oldLine"), l.oldLine},
            {QStringLiteral("newLine"), l.newLine},
            {QStringLiteral("text"), text}});
    }
    return lines;
}

QJsonObject RunReview::toJson() const
{
    QJsonArray files;
    int additions = 0, deletions = 0;
    for (const ReviewFile &file : m_files) {
        QJsonArray hunks;
        for (int i = 0; i < file.hunks.size(); ++i) {
            const ReviewHunk &h = file.hunks.at(i);
            const QJsonArray lines = linesJson(h.hunk);
            QJsonObject o {{QStringLiteral("hunk"), i + 1},
                           {QStringLiteral("header"), h.hunk.header},
                           {QStringLiteral("oldStart"), h.hunk.oldStart},
                           {QStringLiteral("oldLines"), h.hunk.oldLines},
                           {QStringLiteral("newStart"), h.hunk.newStart},
                           {QStringLiteral("newLines"), h.hunk.newLines},
                           {QStringLiteral("decision"), decisionJson(h.accepted)},
                           {QStringLiteral("previouslyRejected"), h.previouslyRejected},
                           {QStringLiteral("lines"), lines}};
            if (h.previouslyRejected)
                o.insert(QStringLiteral("previouslyRejectedIn"), h.previouslyRejectedIn);
            if (!h.provenance.unitKey.isEmpty())
                o.insert(QStringLiteral("provenance"), h.provenance.toJson());
            hunks.append(o);
        }
        additions += file.diff.additions();
        deletions += file.diff.deletions();
        QJsonObject fileJson {
            {QStringLiteral("path"), file.diff.path},
            {QStringLiteral("status"), FileDiff::statusName(file.diff.status)},
            {QStringLiteral("binary"), file.diff.binary},
            {QStringLiteral("additions"), file.diff.additions()},
            {QStringLiteral("deletions"), file.diff.deletions()},
            {QStringLiteral("decision"), decisionJson(file.accepted)},
            {QStringLiteral("gateFindings"), file.gateFindings},
            {QStringLiteral("semanticChanges"), QJsonArray::fromStringList(file.semanticChanges)},
            {QStringLiteral("hunks"), hunks}};
        if (file.diff.status == FileDiff::Status::Renamed) {
            fileJson.insert(QStringLiteral("oldPath"), file.diff.oldPath);
            fileJson.insert(QStringLiteral("similarity"), file.diff.similarity);
        }
        files.append(fileJson);
    }
    return {{QStringLiteral("runId"), m_run.runId},
            {QStringLiteral("sourceKey"), m_run.sourceKey},
            {QStringLiteral("connectionId"), m_run.connectionId},
            {QStringLiteral("status"), m_run.status},
            {QStringLiteral("branch"), m_run.runBranch},
            {QStringLiteral("baseCommit"), m_run.baseCommit},
            {QStringLiteral("commitId"), m_run.commitId},
            {QStringLiteral("additions"), additions},
            {QStringLiteral("deletions"), deletions},
            {QStringLiteral("undecided"), QJsonArray::fromStringList(undecided())},
            {QStringLiteral("files"), files}};
}

Result<RunReview::Applied> RunReview::apply(const GitRepository::Signature &author)
{
    if (const QStringList open = undecided(); !open.isEmpty())
        return makeError(QStringLiteral("review_undecided"),
                         QStringLiteral("Run %1 has %2 undecided change(s): %3")
                             .arg(m_run.runId)
                             .arg(open.size())
                             .arg(open.mid(0, 20).join(QStringLiteral(", "))),
                         QStringLiteral("Accept or reject them (`ktx review reject %1` rejects "
                                        "everything not decided otherwise).")
                             .arg(m_run.runId));
    // Landing the accepted parts writes files and moves the branch: not while
    // an ingest (or another review) does.
    auto lock = WorktreeLanding::lockProject(m_projectDir);
    if (!lock.ok())
        return lock.error();
    auto repository = GitRepository::open(m_projectDir);
    if (!repository.ok())
        return repository.error();
    if (auto r = WorktreeLanding::recover(repository.value()); !r.ok())
        return r.error();
    // An earlier apply was killed: finish it first (it may be this very run).
    auto finished = finishJournal(m_projectDir, repository.value());
    if (!finished.ok())
        return finished.error();
    if (*finished == m_run.runId) {
        auto store = RunStore::open(m_projectDir);
        if (!store.ok())
            return store.error();
        if (const auto record = (*store)->run(m_run.runId);
            record && record->status != QLatin1String("pending_review"))
            return makeError(QStringLiteral("review_not_pending"),
                             QStringLiteral("Run %1 was already applied: an interrupted apply of "
                                            "it has just been finished.")
                                 .arg(m_run.runId),
                             QStringLiteral("`git log -1` shows what landed."));
    }
    if (repository->currentBranch().isEmpty())
        return makeError(QStringLiteral("review_detached_head"),
                         QStringLiteral("HEAD is detached; accepted changes land on a branch."),
                         QStringLiteral("Check out the branch the run should land on."));
    const QString head = repository->headCommitId();

    GitRepository::FileChanges changes;
    QStringList conflicts;
    Applied applied;
    QList<ReviewRejection> rejections;
    int acceptedHunks = 0, totalHunks = 0;
    for (const ReviewFile &file : std::as_const(m_files)) {
        const QString &path = file.diff.path;
        QSet<int> accepted;
        QStringList acceptedNames;
        const bool whole = file.diff.binary || file.hunks.isEmpty();
        if (whole) {
            ++totalHunks;
            if (*file.accepted) {
                accepted.insert(0);
                acceptedNames << path;
                ++acceptedHunks;
            } else {
                applied.leftOut << path;
                auto after = repository->fileAt(m_run.commitId, path);
                const QByteArray refusedBytes = after.ok() && *after ? **after : QByteArray();
                ReviewRejection r;
                r.runId = m_run.runId;
                r.path = path;
                r.entityKey = ReviewStore::entityKeyFor(path);
                r.textHash = ReviewStore::hashOf(refusedBytes);
                r.summary = QStringLiteral("%1 (%2, whole file)")
                                .arg(path, FileDiff::statusName(file.diff.status));
                if (!file.diff.binary)
                    r.changeText = refusedBytes;
                r.rawPaths = file.rawPaths;
                rejections << r;
            }
        } else {
            for (int i = 0; i < file.hunks.size(); ++i) {
                ++totalHunks;
                const ReviewHunk &h = file.hunks.at(i);
                const QString name = QStringLiteral("%1:%2").arg(path).arg(i + 1);
                if (*h.accepted) {
                    accepted.insert(i);
                    acceptedNames << name;
                    ++acceptedHunks;
                } else {
                    applied.leftOut << name;
                    ReviewRejection r;
                    r.runId = m_run.runId;
                    r.path = path;
                    r.entityKey = ReviewStore::entityKeyFor(path);
                    r.textHash = ReviewStore::hashOf(h.hunk.changeText());
                    r.summary = summaryOf(path, h.hunk);
                    r.changeText = h.hunk.changeText();
                    r.rawPaths
                        = h.provenance.rawPaths.isEmpty() ? file.rawPaths : h.provenance.rawPaths;
                    rejections << r;
                }
            }
        }
        if (accepted.isEmpty())
            continue;

        // A rename's hunks apply to the old file; accepting any of it moves the file.
        const bool renamed = file.diff.status == FileDiff::Status::Renamed;
        const QString &oldPath = renamed ? file.diff.oldPath : path;
        auto before = repository->fileAt(m_run.baseCommit, oldPath);
        auto after = repository->fileAt(m_run.commitId, path);
        auto current = repository->fileAt(head, oldPath);
        if (!before.ok() || !after.ok() || !current.ok())
            return (!before.ok() ? before : (!after.ok() ? after : current)).error();
        std::optional<QByteArray> proposed;
        if (whole || accepted.size() == file.hunks.size())
            proposed = *after;
        else
            proposed = GitDiff::applyHunks(before->value_or(QByteArray()), file.diff, accepted);

        if (renamed) {
            auto target = repository->fileAt(head, path);
            if (!target.ok())
                return target.error();
            if (*current == *before && !*target) {
                changes.insert(oldPath, std::nullopt);
                changes.insert(path, proposed);
            } else if (!*current && *target == proposed) {
                continue; // the branch already has exactly this
            } else {
                conflicts << QStringLiteral("%1 (renamed from %2): %3 on the branch since the run")
                                 .arg(path, oldPath,
                                      *target ? QStringLiteral("the new path was created")
                                              : QStringLiteral("the old file changed"));
            }
            continue;
        }
        if (*current == *before) {
            changes.insert(path, proposed);
        } else if (*current == proposed) {
            continue; // the branch already has exactly this
        } else if (!whole && proposed && *current) {
            // The branch moved: keep both sides when they touch different lines.
            auto merged = GitRepository::mergeFile(before->value_or(QByteArray()), **current,
                                                   *proposed, path);
            if (!merged.ok())
                return merged.error();
            if (merged->conflicted)
                conflicts << QStringLiteral("%1 (hunks %2): the file changed on the branch since "
                                            "the run and the accepted lines overlap those edits")
                                 .arg(path, acceptedNames.join(QStringLiteral(", ")));
            else
                changes.insert(path, merged->merged);
        } else {
            conflicts << QStringLiteral("%1: %2 on the branch since the run")
                             .arg(path,
                                  *current ? QStringLiteral("changed") : QStringLiteral("deleted"));
        }
    }
    if (!conflicts.isEmpty())
        return makeError(QStringLiteral("review_conflict"),
                         QStringLiteral("Run %1 no longer applies cleanly; nothing was landed and "
                                        "the run stays pending:\n  %2")
                             .arg(m_run.runId, conflicts.join(QStringLiteral("\n  "))),
                         QStringLiteral("Reject the conflicting hunks, or commit and re-run the "
                                        "ingest on top of your edits."));

    QString message = QStringLiteral("review(%1): %2 accepted %3/%4 changes")
                          .arg(m_run.sourceKey, m_run.runId)
                          .arg(acceptedHunks)
                          .arg(totalHunks);
    message += QStringLiteral("\n\nrun: %1 base=%2 commit=%3")
                   .arg(m_run.runId, m_run.baseCommit, m_run.commitId);
    if (!applied.leftOut.isEmpty())
        message += QStringLiteral("\nleft out:\n  ") + applied.leftOut.join(QStringLiteral("\n  "));
    message += QLatin1Char('\n');

    // Journal first: once the branch moves, the bookkeeping below is redone
    // from it after a kill at any point (recover()).
    QString commitId;
    QStringList landedPaths;
    if (!changes.isEmpty()) {
        auto commit = repository->createCommit(head, changes, message, author);
        if (!commit.ok())
            return commit.error();
        if (repository->treeIdOf(*commit) != repository->treeIdOf(head)) {
            commitId = *commit;
            auto paths = repository->changedPaths(head, commitId);
            if (!paths.ok())
                return paths.error();
            landedPaths = *paths;
        }
    }
    QJsonArray rejectionRows;
    for (const ReviewRejection &r : std::as_const(rejections))
        rejectionRows.append(rejectionJson(r));
    const QJsonObject journal {{QStringLiteral("runId"), m_run.runId},
                               {QStringLiteral("branch"), m_run.runBranch},
                               {QStringLiteral("onto"), repository->currentBranch()},
                               {QStringLiteral("head"), head},
                               {QStringLiteral("landedCommit"), commitId},
                               {QStringLiteral("rejections"), rejectionRows}};
    if (Result<void> r = AtomicFile::write(applyJournalPath(m_projectDir),
                                           QJsonDocument(journal).toJson(QJsonDocument::Compact));
        !r.ok())
        return r.error();
    crashPoint("journal");
    if (!commitId.isEmpty()) {
        if (Result<void> r = WorktreeLanding::land(
                repository.value(), {repository->currentBranch(), head, commitId, landedPaths});
            !r.ok()) {
            QFile::remove(applyJournalPath(m_projectDir)); // nothing landed
            return r.error();
        }
        applied.commitId = commitId;
        applied.landedPaths = landedPaths;
    }
    crashPoint("landed");
    if (Result<void> r = finishApply(m_projectDir, repository.value(), journal); !r.ok())
        return r.error();
    applied.rejectionsRecorded = int(rejections.size());
    m_run.status = QStringLiteral("reviewed");
    m_run.landedCommit = applied.commitId;
    return applied;
}

} // namespace ktx
