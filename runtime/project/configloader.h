#pragma once

#include "core/result.h"
#include "project/configissue.h"
#include "project/projectconfig.h"

#include <QByteArray>
#include <QString>

namespace ktx {

struct LoadedConfig
{
    QString path;
    QByteArray text;
    ProjectConfig config; // defaults where the file is silent or wrong
    ConfigIssues issues;

    bool hasErrors() const;
    int warningCount() const;
};

// Reads ktx.yaml into the typed model. Never fails on bad content: parse errors
// and invalid values become issues (with line and column), and the model falls
// back to defaults for them, so status can still report everything else.
class ConfigLoader
{
public:
    // Fails only when the file cannot be read.
    static Result<LoadedConfig> loadFile(const QString &path);
    static LoadedConfig fromText(const QByteArray &text,
                                 const QString &path = QStringLiteral("ktx.yaml"));
};

} // namespace ktx
