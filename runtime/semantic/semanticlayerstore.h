#pragma once

#include "core/result.h"
#include "semantic/sourceloader.h"

#include <QString>
#include <QStringList>

namespace ktx {

// The `semantic-layer/` folder of a project: one sub-folder per connection,
// each a source set. Finds sources by their declared name across connections.
class SemanticLayerStore
{
public:
    explicit SemanticLayerStore(const QString &projectDir);

    QString root() const; // <project>/semantic-layer
    QString directory(const QString &connectionId) const;
    QStringList connections() const; // folder names with at least one YAML file, sorted
    SourceLoader::SourceSet load(const QString &connectionId) const;

    struct Found
    {
        QString connectionId;
        SemanticSource source;
    };
    // Errors: "No semantic-layer source '<name>'" (optionally "for connection
    // '<id>'"), or a name present in several connections without one chosen.
    Result<Found> find(const QString &name, const QString &connectionId = {}) const;

private:
    QString m_projectDir;
};

} // namespace ktx
