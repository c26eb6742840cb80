#include "project/setupprogress.h"

#include "core/atomicfile.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>

namespace ktx {

namespace {

QString setupDir(const QString &projectDir)
{
    return QDir(projectDir).filePath(QStringLiteral(".ktx/setup"));
}

QJsonObject readJson(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(file.read(1024 * 1024)).object();
}

} // namespace

void SetupProgress::markCompleted(const QString &step)
{
    if (!completedSteps.contains(step))
        completedSteps.append(step);
}

SetupProgress SetupProgress::load(const QString &projectDir)
{
    SetupProgress progress;
    const QJsonObject state
        = readJson(QDir(setupDir(projectDir)).filePath(QStringLiteral("state.json")));
    for (const QJsonValue &step : state.value(QStringLiteral("completed_steps")).toArray())
        progress.completedSteps.append(step.toString());
    const QJsonObject wizard
        = readJson(QDir(setupDir(projectDir)).filePath(QStringLiteral("wizard.json")));
    progress.currentPage = wizard.value(QStringLiteral("currentPage")).toString();
    progress.fields = wizard.value(QStringLiteral("fields")).toObject();
    return progress;
}

Result<void> SetupProgress::save(const QString &projectDir) const
{
    const QDir dir(setupDir(projectDir));
    QJsonObject state {
        {QStringLiteral("completed_steps"), QJsonArray::fromStringList(completedSteps)}};
    if (Result<void> r = AtomicFile::write(dir.filePath(QStringLiteral("state.json")),
                                           QJsonDocument(state).toJson(QJsonDocument::Indented));
        !r.ok())
        return r;
    QJsonObject wizard {{QStringLiteral("currentPage"), currentPage},
                        {QStringLiteral("fields"), fields}};
    return AtomicFile::write(dir.filePath(QStringLiteral("wizard.json")),
                             QJsonDocument(wizard).toJson(QJsonDocument::Indented));
}

} // namespace ktx
