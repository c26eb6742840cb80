#pragma once

#include "semantic/semanticsource.h"
#include "semantic/sourceissue.h"

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

namespace ktx {

// Reads semantic-layer sources: one YAML file, a JSON object (the shape the
// original's compiler takes), or a connection folder `semantic-layer/<id>/` with
// its `_schema/` manifest shards, onto which overlay sources are composed.
// Strict like the original: unknown keys, bad enums and missing required keys
// are errors with the file, line and column of the offending key.
class SourceLoader
{
public:
    struct Loaded
    {
        std::optional<SemanticSource> source; // empty when the file cannot be used
        QList<SourceIssue> issues;
    };

    struct SourceSet
    {
        QList<SemanticSource> sources; // composed and usable, in file-name order
        QList<SourceIssue> issues;
        int fileCount = 0;

        const SemanticSource *find(const QString &name) const;
        int errorCount() const;
        int warningCount() const;
    };

    static Loaded fromYaml(const QByteArray &text, const QString &filePath = {});
    // A file holding one source (a mapping) or several (a list of mappings, as
    // the original's demo files do).
    static QList<Loaded> fromYamlFile(const QByteArray &text, const QString &filePath = {});
    static Loaded fromJson(const QJsonObject &object, const QString &filePath = {});

    // Reads every *.yaml / *.yml below `directory` except `_schema/`, composes
    // overlays onto the manifest entries of `_schema/*.yaml`, reports duplicate
    // names. Files are read in sorted path order, so the result is deterministic.
    static SourceSet loadDirectory(const QString &directory);

    // Reads only the `name:` of a source file, tolerating errors elsewhere in it,
    // so a broken file keeps its identity.
    static QString peekName(const QByteArray &text);

    // The manifest entries of a `_schema/` shard (`tables: {key: {...}}`), as
    // standalone sources named by their key.
    static QList<SemanticSource> manifestEntries(const QByteArray &text, const QString &filePath,
                                                 QList<SourceIssue> *issues);

    // Composes an overlay onto its manifest entry.
    static SemanticSource compose(const SemanticSource &base, const SemanticSource &overlay);

private:
    using Locations = QHash<QString, SourceLocation>;
    static Loaded parse(const QJsonObject &object, const Locations &locations,
                        const QString &filePath);
};

} // namespace ktx
