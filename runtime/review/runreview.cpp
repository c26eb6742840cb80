#include "review/runreview.h"

#include "git/worktreelanding.h"
#include "ingest/runeventlog.h"

#include <QDateTime>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>

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

Result<RunReview> RunReview::load(const QString &projectDir, const QString &runId)
{
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
    auto diffs = GitDiff::between(*repository, record->baseCommit, tip);
    if (!diffs.ok())
        return diffs.error();

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
    for (const FileDiff &f : std::as_const(*diffs))
        paths << f.path;
    QSet<QString> refused; // path + '\n' + hash, from other runs
    for (const ReviewRejection &r : (*reviews)->rejectionsFor(paths))
        if (r.runId != runId)
            refused.insert(r.path + QLatin1Char('\n') + r.textHash);

    RunReview review;
    review.m_projectDir = projectDir;
    review.m_run = *record;
    review.m_run.commitId = tip;
    for (const FileDiff &f : std::as_const(*diffs)) {
        ReviewFile file;
        file.diff = f;
        file.gateFindings = gates.value(ReviewStore::entityKeyFor(f.path));
        for (const DiffHunk &h : f.hunks) {
            ReviewHunk hunk;
            hunk.hunk = h;
            hunk.provenance = provenanceOf(h, writes.value(f.path));
            hunk.previouslyRejected = refused.contains(f.path + QLatin1Char('\n')
                                                       + ReviewStore::hashOf(h.changeText()));
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

QJsonObject RunReview::toJson() const
{
    QJsonArray files;
    int additions = 0, deletions = 0;
    for (const ReviewFile &file : m_files) {
        QJsonArray hunks;
        for (int i = 0; i < file.hunks.size(); ++i) {
            const ReviewHunk &h = file.hunks.at(i);
            QJsonArray lines;
            for (const DiffLine &l : h.hunk.lines) {
                QString text = QString::fromUtf8(l.text);
                if (text.endsWith(QLatin1Char('\n')))
                    text.chop(1);
                lines.append(
                    QJsonObject {{QStringLiteral("kind"),
                                  l.kind == DiffLine::Kind::Added
                                      ? QStringLiteral("+")
                                      : (l.kind == DiffLine::Kind::Removed ? QStringLiteral("-")
                                                                           : QStringLiteral(" "))},
                                 {QStringLiteral("oldLine"), l.oldLine},
                                 {QStringLiteral("newLine"), l.newLine},
                                 {QStringLiteral("text"), text}});
            }
            QJsonObject o {{QStringLiteral("hunk"), i + 1},
                           {QStringLiteral("header"), h.hunk.header},
                           {QStringLiteral("oldStart"), h.hunk.oldStart},
                           {QStringLiteral("oldLines"), h.hunk.oldLines},
                           {QStringLiteral("newStart"), h.hunk.newStart},
                           {QStringLiteral("newLines"), h.hunk.newLines},
                           {QStringLiteral("decision"), decisionJson(h.accepted)},
                           {QStringLiteral("previouslyRejected"), h.previouslyRejected},
                           {QStringLiteral("lines"), lines}};
            if (!h.provenance.unitKey.isEmpty())
                o.insert(QStringLiteral("provenance"), h.provenance.toJson());
            hunks.append(o);
        }
        additions += file.diff.additions();
        deletions += file.diff.deletions();
        files.append(
            QJsonObject {{QStringLiteral("path"), file.diff.path},
                         {QStringLiteral("status"), FileDiff::statusName(file.diff.status)},
                         {QStringLiteral("binary"), file.diff.binary},
                         {QStringLiteral("additions"), file.diff.additions()},
                         {QStringLiteral("deletions"), file.diff.deletions()},
                         {QStringLiteral("decision"), decisionJson(file.accepted)},
                         {QStringLiteral("gateFindings"), file.gateFindings},
                         {QStringLiteral("hunks"), hunks}});
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
                rejections << ReviewRejection {
                    m_run.runId,
                    path,
                    ReviewStore::entityKeyFor(path),
                    ReviewStore::hashOf(after.ok() && *after ? **after : QByteArray()),
                    QStringLiteral("%1 (%2, whole file)")
                        .arg(path, FileDiff::statusName(file.diff.status)),
                    0};
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
                    rejections << ReviewRejection {m_run.runId,
                                                   path,
                                                   ReviewStore::entityKeyFor(path),
                                                   ReviewStore::hashOf(h.hunk.changeText()),
                                                   summaryOf(path, h.hunk),
                                                   0};
                }
            }
        }
        if (accepted.isEmpty())
            continue;

        auto before = repository->fileAt(m_run.baseCommit, path);
        auto after = repository->fileAt(m_run.commitId, path);
        auto current = repository->fileAt(head, path);
        if (!before.ok() || !after.ok() || !current.ok())
            return (!before.ok() ? before : (!after.ok() ? after : current)).error();
        std::optional<QByteArray> proposed;
        if (whole || accepted.size() == file.hunks.size())
            proposed = *after;
        else
            proposed = GitDiff::applyHunks(before->value_or(QByteArray()), file.diff, accepted);

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

    if (!changes.isEmpty()) {
        auto commit = WorktreeLanding::commitAndLand(repository.value(), changes, message, author);
        if (!commit.ok())
            return commit.error();
        if (*commit != head)
            applied.commitId = *commit;
        applied.landedPaths = changes.keys();
    }

    auto reviews = ReviewStore::open(m_projectDir);
    if (!reviews.ok())
        return reviews.error();
    if (Result<void> r = (*reviews)->recordRejections(rejections); !r.ok())
        return r.error();
    applied.rejectionsRecorded = int(rejections.size());

    auto store = RunStore::open(m_projectDir);
    if (!store.ok())
        return store.error();
    IngestRunRecord done = m_run;
    done.status = QStringLiteral("reviewed");
    done.landedCommit = applied.commitId;
    if (Result<void> r = (*store)->updateRun(done); !r.ok())
        return r.error();
    m_run = done;
    if (Result<void> r = repository->deleteBranch(m_run.runBranch); !r.ok())
        return r.error();
    return applied;
}

} // namespace ktx
