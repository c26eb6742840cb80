#include "ingest/contextsourceingest.h"

#include "core/atomicfile.h"
#include "git/gitrepository.h"
#include "git/worktreelanding.h"
#include "ingest/contextsourcecheckout.h"
#include "project/projectconfig.h"

#include <QDateTime>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>

namespace ktx {

namespace {

ContextSourceIngestResult failed(ContextSourceIngestResult r, const QString &code,
                                 const QString &detail, const QString &fix = {})
{
    r.status = QStringLiteral("failed");
    r.code = code;
    r.detail = detail;
    r.fix = fix;
    return r;
}

ContextSourceIngestResult failed(ContextSourceIngestResult r, const Error &e)
{
    return failed(std::move(r), e.code, e.message, e.hint);
}

// Files below `dir` (relative path -> bytes), or below a prefix of a commit.
QMap<QString, QByteArray> readFolder(const QString &dir)
{
    QMap<QString, QByteArray> files;
    QDirIterator it(dir, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        QFile f(path);
        if (f.open(QIODevice::ReadOnly))
            files.insert(QDir(dir).relativeFilePath(path), f.readAll());
    }
    return files;
}

Result<QMap<QString, QByteArray>> readCommit(const GitRepository &repo, const QString &commit,
                                             const QString &prefix)
{
    QMap<QString, QByteArray> files;
    if (commit.isEmpty())
        return files;
    auto paths = repo.listFiles(commit, prefix);
    if (!paths)
        return paths.error();
    for (const QString &path : std::as_const(*paths)) {
        auto bytes = repo.fileAt(commit, path);
        if (!bytes)
            return bytes.error();
        if (*bytes)
            files.insert(path, **bytes);
    }
    return files;
}

} // namespace

QJsonObject ContextSourceIngestResult::toJson() const
{
    QJsonObject o {{QStringLiteral("connectionId"), connectionId},
                   {QStringLiteral("driver"), driver},
                   {QStringLiteral("warehouseConnectionId"), warehouseConnectionId},
                   {QStringLiteral("status"), status},
                   {QStringLiteral("jobId"), jobId},
                   {QStringLiteral("syncId"), syncId},
                   {QStringLiteral("commitId"), commitId},
                   {QStringLiteral("source"), location},
                   {QStringLiteral("unchanged"), unchanged},
                   {QStringLiteral("modelCalls"), modelCalls},
                   {QStringLiteral("diff"),
                    QJsonObject {{QStringLiteral("added"), added},
                                 {QStringLiteral("modified"), modified},
                                 {QStringLiteral("deleted"), deleted}}},
                   {QStringLiteral("report"), report.toJson()},
                   {QStringLiteral("warnings"), QJsonArray::fromStringList(warnings)}};
    if (status == QLatin1String("failed")) {
        o.insert(QStringLiteral("code"), code);
        o.insert(QStringLiteral("detail"), detail);
        o.insert(QStringLiteral("fix"), fix);
    }
    return o;
}

QString ContextSourceIngest::commitMessage(const ContextSourceIngestResult &r)
{
    return QStringLiteral("ingest(%1): %2 syncId=%3 diff=+%4/~%5/-%6")
        .arg(r.driver, r.jobId, r.syncId)
        .arg(r.added)
        .arg(r.modified)
        .arg(r.deleted);
}

Result<QString> ContextSourceIngest::warehouseFor(const ProjectConfig &project,
                                                  const ConnectionConfig &connection)
{
    const QString named = connection.field(QStringLiteral("warehouse"));
    if (!named.isEmpty()) {
        const ConnectionConfig *w = project.connection(named);
        if (!w || w->kind() != ConnectionKind::Warehouse)
            return makeError(QStringLiteral("warehouse_unknown"),
                             QStringLiteral("connections.%1.warehouse names %2, which is not a "
                                            "warehouse connection of this project.")
                                 .arg(connection.id, named),
                             QStringLiteral("Set it to the id of the warehouse the dbt models "
                                            "build into."));
        return named;
    }
    QStringList warehouses;
    for (const ConnectionConfig &c : project.connections)
        if (c.kind() == ConnectionKind::Warehouse)
            warehouses << c.id;
    if (warehouses.size() == 1)
        return warehouses.first();
    return makeError(QStringLiteral("warehouse_missing"),
                     QStringLiteral("connections.%1 does not say which warehouse it maps to.")
                         .arg(connection.id),
                     QStringLiteral("Add `warehouse: <connection id>` to connections.%1 in "
                                    "ktx.yaml.")
                         .arg(connection.id));
}

ContextSourceIngestResult ContextSourceIngest::run(const QString &projectDir,
                                                   const ProjectConfig &project,
                                                   const ConnectionConfig &connection,
                                                   const CancellationToken &cancel,
                                                   const Progress &progress)
{
    const auto say = [&](const QString &message) {
        if (progress)
            progress(message);
    };
    ContextSourceIngestResult result;
    result.connectionId = connection.id;
    result.driver = connection.driver;
    result.report.driver = connection.driver;
    result.jobId = QString::number(QRandomGenerator::global()->generate64() & 0xffffffffULL, 16)
                       .rightJustified(8, QLatin1Char('0'));
    const auto parser = contextSourceParser(connection.driver);
    if (!parser)
        return failed(result, QStringLiteral("unsupported_driver"),
                      QStringLiteral("Context source driver \"%1\" cannot be ingested yet.")
                          .arg(connection.driver),
                      QStringLiteral("Supported: %1.")
                          .arg(contextSourceDrivers().join(QStringLiteral(", "))));
    auto warehouse = warehouseFor(project, connection);
    if (!warehouse)
        return failed(result, warehouse.error());
    result.warehouseConnectionId = *warehouse;

    auto lock = WorktreeLanding::lockProject(projectDir);
    if (!lock.ok())
        return failed(result, lock.error());

    say(QStringLiteral("Reading %1 source %2").arg(connection.driver, connection.id));
    auto location = ContextSourceCheckout::acquire(projectDir, connection);
    if (!location)
        return failed(result, location.error());
    result.location = location->description;
    if (cancel.isCancelled())
        return failed(result, QStringLiteral("cancelled"),
                      QStringLiteral("Ingest was cancelled; nothing was written."));

    auto repository = GitRepository::open(projectDir);
    QString head;
    if (repository.ok()) {
        if (auto recovered = WorktreeLanding::recover(repository.value()); !recovered.ok())
            return failed(result, recovered.error());
        head = repository->headCommitId();
    }
    const QString layerPrefix = QStringLiteral("semantic-layer/%1/").arg(*warehouse);
    const QString keyDir
        = QStringLiteral("raw-sources/%1/%2").arg(connection.id, connection.driver);

    // The base the extraction merges onto: what is committed (or on disk without git).
    ContextSourceInput input;
    input.rootDir = location->rootDir;
    input.connectionId = connection.id;
    input.warehouseConnectionId = *warehouse;
    QMap<QString, QByteArray> previousEvidence; // <syncId>/<relative path> -> bytes
    if (repository.ok()) {
        auto layer = readCommit(*repository, head, layerPrefix);
        if (!layer)
            return failed(result, layer.error());
        input.baseFiles = *layer;
        auto staged = readCommit(*repository, head, keyDir);
        if (!staged)
            return failed(result, staged.error());
        for (auto it = staged->cbegin(); it != staged->cend(); ++it)
            previousEvidence.insert(it.key().mid(keyDir.size() + 1), it.value());
    } else {
        const QDir root(projectDir);
        const auto layer = readFolder(root.filePath(layerPrefix));
        for (auto it = layer.cbegin(); it != layer.cend(); ++it)
            input.baseFiles.insert(layerPrefix + it.key(), it.value());
        previousEvidence = readFolder(root.filePath(keyDir));
    }

    auto extraction = parser->extract(input);
    if (!extraction)
        return failed(result, extraction.error());
    result.report = extraction->report;
    if (cancel.isCancelled())
        return failed(result, QStringLiteral("cancelled"),
                      QStringLiteral("Ingest was cancelled; nothing was written."));

    // Evidence: the files the parser read, byte for byte.
    QMap<QString, QByteArray> evidence;
    for (const QString &relative : std::as_const(result.report.filesRead)) {
        QFile f(QDir(location->rootDir).filePath(relative));
        if (f.open(QIODevice::ReadOnly))
            evidence.insert(relative, f.readAll());
    }
    QString previousSync;
    QMap<QString, QByteArray> previousFiles;
    for (auto it = previousEvidence.cbegin(); it != previousEvidence.cend(); ++it) {
        const int slash = int(it.key().indexOf(QLatin1Char('/')));
        if (slash <= 0)
            continue;
        const QString sync = it.key().left(slash);
        if (previousSync.isEmpty() || sync > previousSync) {
            previousSync = sync;
            previousFiles.clear();
        }
        if (sync == previousSync)
            previousFiles.insert(it.key().mid(slash + 1), it.value());
    }
    const bool evidenceChanged = previousSync.isEmpty() || previousFiles != evidence;
    result.syncId = evidenceChanged
        ? QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyy-MM-dd-HHmmss"))
            + QLatin1Char('-') + result.jobId
        : previousSync;

    GitRepository::FileChanges changes;
    const auto note = [&](const QString &path, const std::optional<QByteArray> &before,
                          const std::optional<QByteArray> &after) {
        if (before == after)
            return;
        changes.insert(path, after);
        if (!before)
            ++result.added;
        else if (!after)
            ++result.deleted;
        else
            ++result.modified;
    };
    if (evidenceChanged) {
        // The new sync replaces the previous one, so git shows edits of the same files.
        for (auto it = evidence.cbegin(); it != evidence.cend(); ++it) {
            const std::optional<QByteArray> before = previousFiles.contains(it.key())
                ? std::optional<QByteArray>(previousFiles.value(it.key()))
                : std::nullopt;
            const QString path
                = keyDir + QLatin1Char('/') + result.syncId + QLatin1Char('/') + it.key();
            changes.insert(path, it.value());
            if (!before)
                ++result.added;
            else if (*before != it.value())
                ++result.modified;
        }
        for (auto it = previousEvidence.cbegin(); it != previousEvidence.cend(); ++it) {
            changes.insert(keyDir + QLatin1Char('/') + it.key(), std::nullopt);
            const int slash = int(it.key().indexOf(QLatin1Char('/')));
            if (!evidence.contains(it.key().mid(slash + 1)))
                ++result.deleted;
        }
    }
    for (auto it = extraction->files.cbegin(); it != extraction->files.cend(); ++it) {
        std::optional<QByteArray> before;
        if (input.baseFiles.contains(it.key())) {
            before = input.baseFiles.value(it.key());
        } else if (repository.ok() && !head.isEmpty()) {
            auto bytes = repository->fileAt(head, it.key()); // wiki pages
            if (!bytes)
                return failed(result, bytes.error());
            before = *bytes;
        } else if (QFile f(QDir(projectDir).filePath(it.key())); f.open(QIODevice::ReadOnly)) {
            before = f.readAll();
        }
        note(it.key(), before, it.value());
    }

    result.status = QStringLiteral("done");
    if (changes.isEmpty()) {
        result.unchanged = true;
        result.detail = QStringLiteral("%1 models, %2 sources, unchanged")
                            .arg(result.report.models)
                            .arg(result.report.sources.size());
        return result;
    }
    result.detail = QStringLiteral("%1 models, %2 sources, %3 joins, diff +%4/~%5/-%6")
                        .arg(result.report.models)
                        .arg(result.report.sources.size())
                        .arg(result.report.joins)
                        .arg(result.added)
                        .arg(result.modified)
                        .arg(result.deleted);
    say(QStringLiteral("Landing %1 changed files").arg(changes.size()));
    if (repository.ok()) {
        const GitRepository::Signature author = GitRepository::Signature::parse(
            project.storage.gitAuthor, {QStringLiteral("ktx"), QStringLiteral("ktx@example.com")});
        auto committed = WorktreeLanding::commitAndLand(repository.value(), changes,
                                                        commitMessage(result), author);
        if (!committed.ok())
            return failed(result, committed.error());
        result.commitId = *committed;
        // Untracked leftovers of earlier syncs.
        const QDir keyFolder(QDir(projectDir).filePath(keyDir));
        for (const QString &old : keyFolder.entryList(QDir::Dirs | QDir::NoDotAndDotDot))
            if (old != result.syncId)
                QDir(keyFolder.filePath(old)).removeRecursively();
    } else {
        result.warnings << QStringLiteral("The project folder is not a git repository; the files "
                                          "were written but not committed.");
        const QDir root(projectDir);
        for (auto it = changes.cbegin(); it != changes.cend(); ++it) {
            if (!it.value()) {
                QFile::remove(root.filePath(it.key()));
                continue;
            }
            if (Result<void> r = AtomicFile::write(root.filePath(it.key()), *it.value()); !r.ok())
                return failed(result, r.error());
        }
        const QDir keyFolder(root.filePath(keyDir));
        for (const QString &old : keyFolder.entryList(QDir::Dirs | QDir::NoDotAndDotDot))
            if (old != result.syncId)
                QDir(keyFolder.filePath(old)).removeRecursively();
    }
    const QJsonObject run {
        {QStringLiteral("runId"), result.jobId},
        {QStringLiteral("connectionId"), connection.id},
        {QStringLiteral("adapter"), connection.driver},
        {QStringLiteral("status"), QStringLiteral("landed")},
        {QStringLiteral("syncId"), result.syncId},
        {QStringLiteral("commitId"), result.commitId},
        {QStringLiteral("finishedAt"), QDateTime::currentDateTimeUtc().toString(Qt::ISODate)},
        {QStringLiteral("report"), result.report.toJson()},
        {QStringLiteral("diff"),
         QJsonObject {{QStringLiteral("added"), result.added},
                      {QStringLiteral("modified"), result.modified},
                      {QStringLiteral("deleted"), result.deleted}}}};
    if (Result<void> r = AtomicFile::write(
            QDir(projectDir).filePath(QStringLiteral(".ktx/runs/%1/run.json").arg(result.jobId)),
            QJsonDocument(run).toJson());
        !r.ok())
        result.warnings << QStringLiteral("The run was committed, but its record could not be "
                                          "saved: %1")
                               .arg(r.error().message);
    return result;
}

} // namespace ktx
