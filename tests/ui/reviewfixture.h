#pragma once

// A project with a pending review run built directly (no model): a real git
// repository with a base commit, a run branch ktx/runs/<id> whose commit
// changes the given files, the run record (pending_review) and an event log
// and report that name the unit and tool call behind each file, as the
// enriched pipeline writes them. Shared by tst_reviewarea and bench_reviewarea.

#include "git/gitrepository.h"
#include "ingest/ingestevent.h"
#include "ingest/runeventlog.h"
#include "ingest/runstore.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <QMap>
#include <QString>

namespace ktx::test {

struct ReviewFixture
{
    QString dir;
    QString baseCommit;
    QString runId;
    QString error;

    static bool writeFile(const QString &path, const QByteArray &bytes)
    {
        QDir().mkpath(QFileInfo(path).absolutePath());
        QFile f(path);
        return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(bytes) == bytes.size();
    }

    // Creates the project with `base` committed (plus ktx.yaml).
    bool createProject(const QString &projectDir, const QMap<QString, QByteArray> &base)
    {
        dir = projectDir;
        auto repository = GitRepository::init(dir);
        if (!repository.ok())
            return fail(repository.error().message);
        writeFile(dir + QStringLiteral("/ktx.yaml"),
                  "project:\n  name: review-fixture\nreview:\n  mode: review\n");
        writeFile(dir + QStringLiteral("/.gitignore"), ".ktx/\n");
        for (auto it = base.cbegin(); it != base.cend(); ++it)
            writeFile(dir + QLatin1Char('/') + it.key(), it.value());
        auto commit = repository->commit(QStringLiteral("base"),
                                         {QStringLiteral("Test"), QStringLiteral("t@example.com")});
        if (!commit.ok())
            return fail(commit.error().message);
        baseCommit = *commit;
        return true;
    }

    // A pending run on top of the current head changing `files` (nullopt
    // deletes). Each file is written by one `sl_edit_source` call of unit
    // "unit:<file name>" citing `rawPath`.
    bool addRun(const QString &id, const GitRepository::FileChanges &files, const QString &rawPath)
    {
        runId = id;
        auto repository = GitRepository::open(dir);
        if (!repository.ok())
            return fail(repository.error().message);
        const QString head = repository->headCommitId();
        auto commit = repository->createCommit(head, files, QStringLiteral("run %1").arg(id),
                                               {QStringLiteral("ktx"), QStringLiteral("k@x")});
        if (!commit.ok())
            return fail(commit.error().message);
        const QString branch = QStringLiteral("ktx/runs/") + id;
        if (auto r = repository->setBranch(branch, *commit); !r.ok())
            return fail(r.error().message);

        auto store = RunStore::open(dir);
        if (!store.ok())
            return fail(store.error().message);
        IngestRunRecord record;
        record.runId = id;
        record.jobId = id;
        record.connectionId = QStringLiteral("warehouse");
        record.sourceKey = QStringLiteral("warehouse");
        record.syncId = QStringLiteral("sync-") + id;
        record.status = QStringLiteral("pending_review");
        record.phase = QStringLiteral("land");
        record.baseCommit = head;
        record.runBranch = branch;
        record.commitId = *commit;
        record.reviewMode = QStringLiteral("review");
        record.startedAtMs
            = QDateTime(QDate(2026, 11, 20), QTime(9, 30), Qt::UTC).toMSecsSinceEpoch();
        record.finishedAtMs = record.startedAtMs + 60000;
        if (auto r = (*store)->insertRun(record); !r.ok())
            return fail(r.error().message);

        RunEventLog log(id, RunEventLog::pathFor(dir, id));
        if (auto r = log.open(); !r.ok())
            return fail(r.error().message);
        QJsonArray units;
        int call = 0;
        for (auto it = files.cbegin(); it != files.cend(); ++it) {
            const QString unitKey
                = QStringLiteral("unit:") + QFileInfo(it.key()).completeBaseName();
            IngestEvent decision;
            decision.type = IngestEvent::Type::WriteDecision;
            decision.unitKey = unitKey;
            decision.data = {{QStringLiteral("tool"), QStringLiteral("sl_edit_source")},
                             {QStringLiteral("path"), it.key()},
                             {QStringLiteral("accepted"), true}};
            log.append(decision);
            IngestEvent tool;
            tool.type = IngestEvent::Type::ToolCall;
            tool.unitKey = unitKey;
            tool.data
                = {{QStringLiteral("toolCallId"), QStringLiteral("call_%1").arg(++call)},
                   {QStringLiteral("tool"), QStringLiteral("sl_edit_source")},
                   {QStringLiteral("input"),
                    QJsonObject {{QStringLiteral("path"), it.key()},
                                 {QStringLiteral("content"),
                                  QString::fromUtf8(it.value().value_or(QByteArray()))}}},
                   {QStringLiteral("output"), QStringLiteral("ok: %1 written").arg(it.key())}};
            log.append(tool);
            units.append(QJsonObject {
                {QStringLiteral("unitKey"), unitKey},
                {QStringLiteral("actions"),
                 QJsonArray {QJsonObject {{QStringLiteral("path"), it.key()},
                                          {QStringLiteral("rawPaths"), QJsonArray {rawPath}}}}}});
        }
        log.flush();
        if (auto r = (*store)->saveReport(id, {{QStringLiteral("workUnits"), units}}); !r.ok())
            return fail(r.error().message);
        return true;
    }

    bool fail(const QString &message)
    {
        error = message;
        return false;
    }
};

} // namespace ktx::test
