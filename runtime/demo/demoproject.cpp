#include "demo/demoproject.h"

#include "core/atomicfile.h"
#include "git/gitrepository.h"
#include "project/projectscaffold.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>

namespace ktx {

namespace {

QString templateRoot()
{
    return QStringLiteral(":/ktx/demo-project");
}

QByteArray readResource(const QString &relativePath, bool *ok)
{
    QFile file(templateRoot() + QLatin1Char('/') + relativePath);
    *ok = file.open(QIODevice::ReadOnly);
    return *ok ? file.readAll() : QByteArray();
}

} // namespace

QString DemoProject::warehouseFileName()
{
    return QStringLiteral("data/demo-warehouse.sqlite");
}

QString DemoProject::connectionId()
{
    return QStringLiteral("demo_warehouse");
}

QStringList DemoProject::templateFiles()
{
    QStringList files;
    QDirIterator it(templateRoot(), QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext())
        files.append(it.next().mid(templateRoot().size() + 1));
    files.sort();
    return files;
}

Result<void> DemoProject::writeTemplate(const QString &projectDir)
{
    const QStringList files = templateFiles();
    if (files.isEmpty())
        return makeError(
            QStringLiteral("demo_template_missing"),
            QStringLiteral("The demo project template is missing from this build."),
            QStringLiteral("Reinstall ktx; the template is compiled into the application."));

    // Check everything first, so a conflict leaves the folder untouched.
    const QDir dir(projectDir);
    QList<QPair<QString, QByteArray>> toWrite;
    QStringList conflicts;
    for (const QString &relative : files) {
        bool ok = false;
        const QByteArray content = readResource(relative, &ok);
        if (!ok)
            return makeError(
                QStringLiteral("demo_template_missing"),
                QStringLiteral("Cannot read the demo template file %1.").arg(relative));
        const QString target = dir.filePath(relative);
        const QFileInfo info(target);
        if (!info.exists()) {
            toWrite.append({target, content});
            continue;
        }
        QFile existing(target);
        if (info.isDir() || !existing.open(QIODevice::ReadOnly) || existing.readAll() != content)
            conflicts.append(relative);
    }
    if (!conflicts.isEmpty())
        return makeError(
            QStringLiteral("demo_template_conflict"),
            QStringLiteral("%1 already contains files the demo project would replace: %2.")
                .arg(QDir::toNativeSeparators(dir.absolutePath()),
                     conflicts.join(QLatin1String(", "))),
            QStringLiteral("Choose an empty folder for the demo project, or move those "
                           "files away and try again."));

    for (const auto &[target, content] : toWrite) {
        const Result<void> written = AtomicFile::write(target, content);
        if (!written)
            return written.error();
    }
    return {};
}

Result<DemoWarehouse::Summary> DemoProject::generateWarehouse(const QString &projectDir)
{
    return DemoWarehouse::generate(QDir(projectDir).filePath(warehouseFileName()));
}

Result<void> DemoProject::create(const QString &dirPath)
{
    const QString dir = QDir::cleanPath(QDir(dirPath).absolutePath());
    const QDir target(dir);
    if (target.exists()
        && !target.entryList(QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot)
                .isEmpty())
        return makeError(
            QStringLiteral("folder_not_empty"),
            QStringLiteral("That folder already exists and is not empty: %1").arg(dir),
            QStringLiteral("Choose a new folder for the demo project, or open the existing one."));
    const QString parent = QFileInfo(dir).absolutePath();
    if (!QDir().mkpath(parent))
        return makeError(QStringLiteral("write_failed"),
                         QStringLiteral("Cannot create the folder %1.").arg(parent));

    // Staging beside the target keeps the final rename on one file system.
    QTemporaryDir staging(parent + QStringLiteral("/.ktx-demo-XXXXXX"));
    if (!staging.isValid())
        return makeError(
            QStringLiteral("write_failed"),
            QStringLiteral("Cannot write in %1: %2.").arg(parent, staging.errorString()));
    const QString work = staging.filePath(QStringLiteral("project"));

    bool ok = false;
    ProjectScaffold::Options options;
    options.name = QFileInfo(dir).fileName();
    options.configText = readResource(QStringLiteral("ktx.yaml"), &ok);
    if (!ok)
        return makeError(QStringLiteral("demo_template_missing"),
                         QStringLiteral("The demo template is missing from this build."));
    if (Result<void> r = ProjectScaffold::create(work, options); !r.ok())
        return r;
    if (Result<void> r = writeTemplate(work); !r.ok())
        return r;
    // The generated warehouse stands for a real database: it stays out of git.
    QFile ignore(QDir(work).filePath(QStringLiteral(".gitignore")));
    if (!ignore.open(QIODevice::Append)
        || ignore.write("# The demo warehouse is generated, like a real database it is not "
                        "context.\n/data/\n")
            < 0)
        return makeError(QStringLiteral("write_failed"),
                         QStringLiteral("Cannot update %1.").arg(ignore.fileName()));
    ignore.close();
    if (auto generated = generateWarehouse(work); !generated.ok())
        return generated.error();
    auto repository = GitRepository::open(work);
    if (!repository.ok())
        return repository.error();
    if (auto committed
        = repository->commit(QStringLiteral("Add the demo project's wiki pages and README"),
                             {QStringLiteral("ktx"), QStringLiteral("ktx@example.com")});
        !committed.ok())
        return committed.error();

    if (target.exists() && !QDir().rmdir(dir))
        return makeError(QStringLiteral("write_failed"),
                         QStringLiteral("Cannot replace the empty folder %1.").arg(dir));
    if (!QDir().rename(work, dir))
        return makeError(QStringLiteral("write_failed"),
                         QStringLiteral("Cannot move the demo project into %1.").arg(dir));
    return {};
}

} // namespace ktx
