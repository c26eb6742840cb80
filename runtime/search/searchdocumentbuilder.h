#pragma once

#include "search/searchdocument.h"

#include <QByteArray>
#include <QList>
#include <QMap>
#include <QString>

namespace ktx {

struct SemanticSource;
struct WikiPage;

// Turns the project's files into search documents: a wiki page, the sources of a
// semantic-layer file or folder, and the latest live-database evidence of a
// connection (tables, columns and, when profiles were recorded, sample values).
class SearchDocumentBuilder
{
public:
    static SearchDocument fromWikiPage(const WikiPage &page);
    // One sl_source document per source, one sl_measure per measure and one
    // sl_dimension per column that is not hidden.
    static QList<SearchDocument> fromSources(const QString &connectionId,
                                             const QList<SemanticSource> &sources);

    struct Evidence
    {
        QList<SearchDocument> documents; // table and column documents
        QList<DictionaryEntry> dictionary;
        DictionaryCoverage coverage;
    };
    // `files` maps paths inside one sync folder (connection.json,
    // tables/<...>.json, optional profiles.json) to their bytes. Column profiles
    // are read from profiles.json (the ProfilingResult JSON: {tables: [...]}) or
    // from a `profile` member of a table file (the TableProfile JSON).
    static Evidence fromEvidence(const QString &connectionId, const QString &syncId,
                                 const QMap<QString, QByteArray> &files);
};

} // namespace ktx
