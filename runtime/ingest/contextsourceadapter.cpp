#include "ingest/contextsourceadapter.h"

#include "project/yamldocument.h"
#include "sources/lookmlparser.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QHash>
#include <QRegularExpression>
#include <QSet>

#include <algorithm>

namespace ktx {

namespace {

// At most this many evidence files are cited per projected file.
constexpr int MaxCitations = 20;

QString slug(const QString &text)
{
    static const QRegularExpression nonAlnum(QStringLiteral("[^a-z0-9]+"));
    QString s = text.toLower();
    s.replace(nonAlnum, QStringLiteral("-"));
    while (s.startsWith(QLatin1Char('-')))
        s.remove(0, 1);
    while (s.endsWith(QLatin1Char('-')))
        s.chop(1);
    return s;
}

bool isYaml(const QString &rel)
{
    return rel.endsWith(QLatin1String(".yml")) || rel.endsWith(QLatin1String(".yaml"));
}

QString stem(const QString &rel)
{
    QString name = rel.section(QLatin1Char('/'), -1);
    const qsizetype dot = name.indexOf(QLatin1Char('.'));
    return dot > 0 ? name.left(dot) : name;
}

QString folderOf(const QString &rel)
{
    const qsizetype slash = rel.lastIndexOf(QLatin1Char('/'));
    return slash < 0 ? QString() : rel.left(slash);
}

// Identifiers ([A-Za-z0-9_]+) of a text, for citing the files that name an artifact.
QSet<QString> identifiers(const QByteArray &bytes)
{
    QSet<QString> out;
    qsizetype start = -1;
    const auto isWord = [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
            || c == '_';
    };
    for (qsizetype i = 0; i <= bytes.size(); ++i) {
        const bool word = i < bytes.size() && isWord(bytes.at(i));
        if (word && start < 0)
            start = i;
        else if (!word && start >= 0) {
            out.insert(QString::fromLatin1(bytes.mid(start, i - start)));
            start = -1;
        }
    }
    return out;
}

QStringList scalarsOf(const YamlNode *node)
{
    QStringList out;
    if (!node)
        return out;
    if (node->isScalar() && !node->isNull())
        out << node->text;
    for (const YamlNode &item : node->items)
        if (item.isScalar() && !item.isNull())
            out << item.text;
    return out;
}

QString nameOf(const YamlNode &item)
{
    const YamlNode *name = item.isMapping() ? item.find(u"name") : nullptr;
    return name && name->isScalar() ? name->text : QString();
}

QList<const YamlNode *> listAt(const YamlDocument &doc, const QString &key)
{
    QList<const YamlNode *> out;
    const YamlNode *root = doc.root();
    const YamlNode *list = root && root->isMapping() ? root->find(key) : nullptr;
    if (list && list->isSequence())
        for (const YamlNode &item : list->items)
            if (item.isMapping())
                out << &item;
    return out;
}

bool anyChanged(const QStringList &rels, const QSet<QString> &changed)
{
    return std::any_of(rels.cbegin(), rels.cend(),
                       [&](const QString &r) { return changed.contains(r); });
}

QStringList prefixed(const QString &syncDir, const QStringList &rels)
{
    QStringList out;
    for (const QString &r : rels)
        out << syncDir + QLatin1Char('/') + r;
    return out;
}

WorkUnit unitOf(const QString &key, const QString &label, const QString &syncDir,
                const QStringList &rawRels, const QStringList &dependencyRels,
                const QStringList &peerRels, const QString &notes)
{
    WorkUnit unit;
    unit.unitKey = key;
    unit.displayLabel = label;
    unit.rawFiles = prefixed(syncDir, rawRels);
    unit.dependencyPaths = prefixed(syncDir, dependencyRels);
    unit.peerFileIndex = prefixed(syncDir, peerRels);
    unit.notes = notes;
    return unit;
}

const char *const CommonSkill
    = "- Deterministic extraction already ran: the semantic sources of the warehouse carry the "
      "source's facts under keys ending in `dbt` (descriptions.dbt, constraints.dbt, "
      "enum_values.dbt, freshness.dbt) or written from the source's definitions. Never rewrite "
      "or remove those keys or the joins, measures and sources extraction wrote; add beside "
      "them.\n"
      "- Your part is what needs judgement: turn business meaning in descriptions, doc blocks, "
      "labels and comments into wiki pages (wiki_write, a flat key, a one-line summary, sl_refs "
      "naming the sources and measures the page explains); a descriptions.ai where the source "
      "text is terse; name caveats (filters, grain surprises, deprecated models) in the page.\n"
      "- Propose a join or a measure only when a raw file states it (cite that file in "
      "rawPaths); check names with sl_read_source or sl_discover first. Never invent tables or "
      "columns.\n"
      "- Semantic-layer writes go to connection %1 only (the warehouse this source maps to).\n"
      "- Before any write call record_verification_ledger; cite the raw files of this unit in "
      "rawPaths of every write. If the files hold nothing beyond what extraction wrote, write "
      "nothing and say so.\n";

} // namespace

ContextSourceAdapter::ContextSourceAdapter(QString connectionId, QString driver,
                                           QString warehouseConnectionId,
                                           ContextSourceCheckout::Location location, QString jobId)
    : m_connectionId(std::move(connectionId))
    , m_driver(std::move(driver))
    , m_warehouse(std::move(warehouseConnectionId))
    , m_location(std::move(location))
    , m_jobId(std::move(jobId))
{
    m_report.driver = m_driver;
}

QString ContextSourceAdapter::rawFolder(const QString &connectionId, const QString &driver)
{
    return QStringLiteral("raw-sources/%1/%2").arg(connectionId, driver);
}

Result<QString> ContextSourceAdapter::latestSync(const BaseTree &base,
                                                 const QString &connectionId) const
{
    const QString folder = rawFolder(connectionId, m_driver);
    // Projection decided the sync (it may hold no file when the source is empty).
    if (!m_syncId.isEmpty())
        return QString(folder + QLatin1Char('/') + m_syncId);
    QString latest;
    const QString prefix = folder + QLatin1Char('/');
    for (auto it = base.cbegin(); it != base.cend(); ++it)
        if (it.key().startsWith(prefix))
            latest = qMax(latest, it.key().mid(prefix.size()).section(QLatin1Char('/'), 0, 0));
    if (latest.isEmpty())
        return makeError(
            QStringLiteral("no_snapshot"),
            QStringLiteral("No %1 evidence of \"%2\" is staged.").arg(m_driver, connectionId),
            QStringLiteral("Run `ktx ingest %1`.").arg(connectionId));
    return QString(prefix + latest);
}

Result<IngestProjection> ContextSourceAdapter::projection(const BaseTree &base)
{
    m_error.reset();
    const auto fail = [this](const Error &e) {
        m_error = e;
        return e;
    };
    const auto parser = contextSourceParser(m_driver);
    if (!parser)
        return fail(makeError(
            QStringLiteral("unsupported_driver"),
            QStringLiteral("Context source driver \"%1\" cannot be ingested yet.").arg(m_driver),
            QStringLiteral("Supported: %1.")
                .arg(contextSourceDrivers().join(QStringLiteral(", ")))));
    const QString layerPrefix = QStringLiteral("semantic-layer/%1/").arg(m_warehouse);
    const QString keyDir = rawFolder(m_connectionId, m_driver) + QLatin1Char('/');

    // What extraction merges onto: the committed semantic layer of the warehouse.
    ContextSourceInput input;
    input.rootDir = m_location.rootDir;
    input.connectionId = m_connectionId;
    input.warehouseConnectionId = m_warehouse;
    input.connectionFields = m_connectionFields;
    QMap<QString, QByteArray> previousEvidence; // <syncId>/<relative path> -> bytes
    for (auto it = base.cbegin(); it != base.cend(); ++it) {
        if (it.key().startsWith(layerPrefix))
            input.baseFiles.insert(it.key(), it.value());
        else if (it.key().startsWith(keyDir))
            previousEvidence.insert(it.key().mid(keyDir.size()), it.value());
    }
    // The newest earlier sync: what the source said last time.
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
    input.previousFiles = previousFiles;

    auto extraction = parser->extract(input);
    if (!extraction)
        return fail(extraction.error());
    m_report = extraction->report;
    m_report.driver = m_driver;

    // Evidence: the files the parser read, byte for byte.
    QMap<QString, QByteArray> evidence;
    const QDir root(m_location.rootDir);
    for (const QString &relative : std::as_const(m_report.filesRead)) {
        QFile f(root.filePath(relative));
        if (f.open(QIODevice::ReadOnly))
            evidence.insert(relative, f.readAll());
    }
    m_evidenceChanged = previousSync.isEmpty() || previousFiles != evidence;
    m_syncId = m_evidenceChanged
        ? QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyy-MM-dd-HHmmss"))
            + QLatin1Char('-') + m_jobId
        : previousSync;
    m_evidenceAdded = m_evidenceModified = m_evidenceDeleted = 0;

    IngestProjection out;
    if (m_evidenceChanged) {
        // The new sync replaces the previous one.
        for (auto it = evidence.cbegin(); it != evidence.cend(); ++it) {
            out.files.insert(keyDir + m_syncId + QLatin1Char('/') + it.key(), it.value());
            if (!previousFiles.contains(it.key()))
                ++m_evidenceAdded;
            else if (previousFiles.value(it.key()) != it.value())
                ++m_evidenceModified;
        }
        for (auto it = previousEvidence.cbegin(); it != previousEvidence.cend(); ++it)
            out.files.insert(keyDir + it.key(), std::nullopt);
        for (auto it = previousFiles.cbegin(); it != previousFiles.cend(); ++it)
            if (!evidence.contains(it.key()))
                ++m_evidenceDeleted;
    }
    for (auto it = extraction->files.cbegin(); it != extraction->files.cend(); ++it)
        out.files.insert(it.key(), it.value());
    for (const QString &path : std::as_const(extraction->removed))
        if (base.contains(path))
            out.files.insert(path, std::nullopt);

    // Citations: the evidence files that name the artifact (its file stem is
    // the source name or page key); else the files at the source's root.
    QHash<QString, QStringList> namedIn;
    for (auto it = evidence.cbegin(); it != evidence.cend(); ++it)
        for (const QString &id : identifiers(it.value()))
            namedIn[id] << it.key();
    QStringList rootFiles;
    for (auto it = evidence.cbegin(); it != evidence.cend(); ++it)
        if (!it.key().contains(QLatin1Char('/')))
            rootFiles << it.key();
    const QString syncDir = keyDir + m_syncId;
    for (auto it = extraction->files.cbegin(); it != extraction->files.cend(); ++it) {
        QStringList cited = namedIn.value(stem(it.key()));
        if (cited.isEmpty())
            cited = evidence.size() <= MaxCitations ? evidence.keys() : rootFiles;
        cited.sort();
        out.evidence.insert(it.key(), prefixed(syncDir, cited.mid(0, MaxCitations)));
    }
    return out;
}

QJsonObject ContextSourceAdapter::sourceReport() const
{
    QJsonObject o = m_report.toJson();
    o.insert(QStringLiteral("connectionId"), m_connectionId);
    o.insert(QStringLiteral("warehouseConnectionId"), m_warehouse);
    o.insert(QStringLiteral("location"), m_location.description);
    o.insert(QStringLiteral("syncId"), m_syncId);
    o.insert(QStringLiteral("evidenceChanged"), m_evidenceChanged);
    o.insert(QStringLiteral("evidenceDiff"),
             QJsonObject {{QStringLiteral("added"), m_evidenceAdded},
                          {QStringLiteral("modified"), m_evidenceModified},
                          {QStringLiteral("deleted"), m_evidenceDeleted}});
    return o;
}

QList<WorkUnit> ContextSourceAdapter::plan(const BaseTree &base, const QString &syncDir,
                                           const IngestDiff &diff) const
{
    QMap<QString, QByteArray> files;
    const QString prefix = syncDir + QLatin1Char('/');
    for (auto it = base.cbegin(); it != base.cend(); ++it)
        if (it.key().startsWith(prefix))
            files.insert(it.key().mid(prefix.size()), it.value());
    const QStringList changed = diff.added + diff.modified;
    if (m_driver == QLatin1String("dbt"))
        return planDbt(files, syncDir, changed);
    if (m_driver == QLatin1String("metricflow"))
        return planMetricFlow(files, syncDir, changed);
    if (m_driver == QLatin1String("lookml"))
        return planLookml(files, syncDir, changed);
    return {};
}

QList<WorkUnit> ContextSourceAdapter::planDbt(const QMap<QString, QByteArray> &files,
                                              const QString &syncDir,
                                              const QStringList &changedList)
{
    const QSet<QString> changed(changedList.cbegin(), changedList.cend());
    QStringList modelPaths;
    const QString projectFile = QStringLiteral("dbt_project.yml");
    if (auto project = YamlDocument::parse(files.value(projectFile), projectFile); project.ok())
        for (const char *key : {"model-paths", "source-paths"})
            if (const YamlNode *root = project->root(); root && root->isMapping())
                modelPaths += scalarsOf(root->find(QString::fromLatin1(key)));
    if (modelPaths.isEmpty())
        modelPaths << QStringLiteral("models");
    const auto underModels = [&](const QString &rel) {
        return std::any_of(modelPaths.cbegin(), modelPaths.cend(), [&](const QString &p) {
            return rel.startsWith(QDir::cleanPath(p) + QLatin1Char('/'));
        });
    };
    QStringList properties, sql, docs;
    QHash<QString, QString> sqlByModel; // model name -> its .sql file
    for (auto it = files.cbegin(); it != files.cend(); ++it) {
        if (!underModels(it.key()))
            continue;
        if (isYaml(it.key())) {
            properties << it.key();
        } else if (it.key().endsWith(QLatin1String(".sql"))) {
            sql << it.key();
            if (!sqlByModel.contains(stem(it.key())))
                sqlByModel.insert(stem(it.key()), it.key());
        } else if (it.key().endsWith(QLatin1String(".md"))) {
            docs << it.key();
        }
    }
    const QStringList shared
        = files.contains(projectFile) ? QStringList {projectFile} : QStringList();
    const bool sharedChanged = changed.contains(projectFile);
    QList<WorkUnit> units;
    if (properties.size() <= DbtSingleUnitLimit) {
        // A small project is read as a whole by one agent.
        const QStringList raw = properties + sql + docs;
        if (raw.isEmpty() || (!sharedChanged && !anyChanged(raw, changed)))
            return units;
        QStringList dependencies = shared;
        if (files.contains(QStringLiteral("target/manifest.json")))
            dependencies << QStringLiteral("target/manifest.json");
        units << unitOf(QStringLiteral("dbt-project"), QStringLiteral("dbt project"), syncDir, raw,
                        dependencies, {},
                        QStringLiteral("The whole dbt project: %1 properties files, %2 models, %3 "
                                       "doc files.")
                            .arg(properties.size())
                            .arg(sql.size())
                            .arg(docs.size()));
        return units;
    }
    // One unit per schema file with the models it documents.
    for (const QString &schema : std::as_const(properties)) {
        QStringList raw {schema};
        QStringList models;
        if (auto doc = YamlDocument::parse(files.value(schema), schema); doc.ok())
            for (const YamlNode *model : listAt(*doc, QStringLiteral("models")))
                if (const QString name = nameOf(*model); !name.isEmpty()) {
                    models << name;
                    if (const QString file = sqlByModel.value(name); !file.isEmpty())
                        raw << file;
                }
        if (!sharedChanged && !anyChanged(raw, changed))
            continue;
        QStringList dependencies = shared;
        for (const QString &d : std::as_const(docs))
            if (folderOf(d) == folderOf(schema))
                dependencies << d;
        QStringList peers = properties;
        peers.removeAll(schema);
        units << unitOf(
            QStringLiteral("dbt-") + slug(schema.left(schema.lastIndexOf(QLatin1Char('.')))),
            schema, syncDir, raw, dependencies, peers,
            models.isEmpty()
                ? QStringLiteral("Properties file %1 (sources or macros; no models).").arg(schema)
                : QStringLiteral("Properties file %1 documenting %2 model(s): %3.")
                      .arg(schema)
                      .arg(models.size())
                      .arg(models.join(QStringLiteral(", "))));
    }
    return units;
}

QList<WorkUnit> ContextSourceAdapter::planMetricFlow(const QMap<QString, QByteArray> &files,
                                                     const QString &syncDir,
                                                     const QStringList &changedList)
{
    const QSet<QString> changed(changedList.cbegin(), changedList.cend());
    QMap<QString, QString> fileOfModel; // semantic model -> file
    QHash<QString, QString> parent; // union-find over semantic models
    QHash<QString, QString> ownerOfEntity; // entity name -> first model declaring it
    QHash<QString, QStringList> measuresOf; // model -> its measure names
    QStringList metricFiles; // files with metrics and no semantic model
    const auto find = [&parent](const QString &m) {
        QString r = m;
        while (parent.value(r) != r)
            r = parent.value(r);
        parent[m] = r;
        return r;
    };
    for (auto it = files.cbegin(); it != files.cend(); ++it) {
        if (!isYaml(it.key()))
            continue;
        auto doc = YamlDocument::parse(it.value(), it.key());
        if (!doc.ok())
            continue;
        const QList<const YamlNode *> models = listAt(*doc, QStringLiteral("semantic_models"));
        if (models.isEmpty() && !listAt(*doc, QStringLiteral("metrics")).isEmpty())
            metricFiles << it.key();
        for (const YamlNode *model : models) {
            const QString name = nameOf(*model);
            if (name.isEmpty() || fileOfModel.contains(name))
                continue;
            fileOfModel.insert(name, it.key());
            parent.insert(name, name);
            if (const YamlNode *measures = model->find(u"measures"))
                for (const YamlNode &m : measures->items)
                    measuresOf[name] << nameOf(m);
            if (const YamlNode *entities = model->find(u"entities"))
                for (const YamlNode &e : entities->items) {
                    const QString entity = nameOf(e);
                    if (entity.isEmpty())
                        continue;
                    // Semantic models sharing an entity join: one component.
                    if (const QString other = ownerOfEntity.value(entity); !other.isEmpty())
                        parent[find(name)] = find(other);
                    else
                        ownerOfEntity.insert(entity, name);
                }
        }
    }
    QMap<QString, QStringList> components; // smallest model name -> models
    for (auto it = fileOfModel.cbegin(); it != fileOfModel.cend(); ++it)
        components[find(it.key())] << it.key();
    QMap<QString, QStringList> byFirst;
    for (const QStringList &models : std::as_const(components))
        byFirst.insert(models.first(), models); // models are sorted (QMap order)
    // A metrics-only file goes with the components whose measures it names.
    QHash<QString, QStringList> metricsFor;
    QStringList orphanMetrics;
    for (const QString &file : std::as_const(metricFiles)) {
        const QSet<QString> ids = identifiers(files.value(file));
        bool placed = false;
        for (auto it = byFirst.cbegin(); it != byFirst.cend(); ++it) {
            bool names = false;
            for (const QString &model : it.value())
                for (const QString &measure : measuresOf.value(model))
                    names = names || ids.contains(measure);
            if (names) {
                metricsFor[it.key()] << file;
                placed = true;
            }
        }
        if (!placed)
            orphanMetrics << file;
    }
    QList<WorkUnit> units;
    for (auto it = byFirst.cbegin(); it != byFirst.cend(); ++it) {
        QStringList raw;
        for (const QString &model : it.value())
            if (!raw.contains(fileOfModel.value(model)))
                raw << fileOfModel.value(model);
        raw += metricsFor.value(it.key());
        raw.sort();
        if (!anyChanged(raw, changed))
            continue;
        units << unitOf(
            QStringLiteral("metricflow-") + slug(it.key()),
            QStringLiteral("semantic models %1").arg(it.value().join(QStringLiteral(", "))),
            syncDir, raw, {}, {},
            QStringLiteral("Connected semantic models (linked by entities): %1.")
                .arg(it.value().join(QStringLiteral(", "))));
    }
    if (!orphanMetrics.isEmpty() && anyChanged(orphanMetrics, changed))
        units << unitOf(QStringLiteral("metricflow-metrics"), QStringLiteral("metrics"), syncDir,
                        orphanMetrics, {}, {},
                        QStringLiteral("Metric files that name no measure of a semantic model."));
    return units;
}

QList<WorkUnit> ContextSourceAdapter::planLookml(const QMap<QString, QByteArray> &files,
                                                 const QString &syncDir,
                                                 const QStringList &changedList)
{
    const QSet<QString> changed(changedList.cbegin(), changedList.cend());
    const auto bare = [](QString name) {
        if (name.startsWith(QLatin1Char('+')))
            name.remove(0, 1);
        return name.trimmed();
    };
    QHash<QString, QStringList> viewFiles; // view (and its refinements) -> files
    QHash<QString, QStringList> extendsOf; // view -> views it extends
    QStringList filesWithViews;
    QMap<QString, QStringList> viewsOfModel; // model file -> views its explores use
    for (auto it = files.cbegin(); it != files.cend(); ++it) {
        if (!it.key().endsWith(QLatin1String(".lkml")))
            continue;
        const LookmlParser::Parsed parsed = LookmlParser::parse(it.value(), it.key());
        const bool model = it.key().endsWith(QLatin1String(".model.lkml"));
        if (model)
            viewsOfModel.insert(it.key(), {});
        for (const LookmlNode &node : parsed.root.children) {
            if (node.key == QLatin1String("view") && node.kind == LookmlNode::Kind::Block) {
                const QString name = bare(node.name);
                if (!viewFiles[name].contains(it.key()))
                    viewFiles[name] << it.key();
                if (!filesWithViews.contains(it.key()))
                    filesWithViews << it.key();
                if (const LookmlNode *ext = node.child(QStringLiteral("extends")))
                    for (const QString &item : ext->items)
                        extendsOf[name] << bare(item);
            } else if (model && node.key == QLatin1String("explore")
                       && node.kind == LookmlNode::Kind::Block) {
                QStringList &used = viewsOfModel[it.key()];
                QString base = node.text(QStringLiteral("from"));
                if (base.isEmpty())
                    base = node.text(QStringLiteral("view_name"));
                used << (base.isEmpty() ? bare(node.name) : bare(base));
                for (const LookmlNode *join : node.childrenNamed(QStringLiteral("join"))) {
                    const QString from = join->text(QStringLiteral("from"));
                    used << (from.isEmpty() ? bare(join->name) : bare(from));
                }
            }
        }
    }
    QSet<QString> usedFiles;
    QList<WorkUnit> units;
    for (auto it = viewsOfModel.cbegin(); it != viewsOfModel.cend(); ++it) {
        // The views an explore uses, and the views those extend.
        QStringList views = it.value();
        for (int i = 0; i < views.size(); ++i)
            for (const QString &parentView : extendsOf.value(views.at(i)))
                if (!views.contains(parentView))
                    views << parentView;
        QStringList raw {it.key()};
        for (const QString &view : std::as_const(views))
            for (const QString &file : viewFiles.value(view))
                if (!raw.contains(file))
                    raw << file;
        for (const QString &file : std::as_const(raw))
            usedFiles.insert(file);
        std::sort(raw.begin() + 1, raw.end());
        if (!anyChanged(raw, changed))
            continue;
        const QString model = it.key().section(QLatin1Char('/'), -1).chopped(11);
        views.removeDuplicates();
        units << unitOf(QStringLiteral("lookml-model-") + slug(model),
                        QStringLiteral("model %1").arg(model), syncDir, raw, {}, {},
                        QStringLiteral("LookML model %1 with the views its explores use: %2.")
                            .arg(model, views.join(QStringLiteral(", "))));
    }
    QStringList orphans;
    for (const QString &file : std::as_const(filesWithViews))
        if (!usedFiles.contains(file))
            orphans << file;
    orphans.sort();
    if (!orphans.isEmpty() && anyChanged(orphans, changed))
        units << unitOf(
            QStringLiteral("lookml-orphan-views"), QStringLiteral("orphan views"), syncDir, orphans,
            {}, {},
            QStringLiteral("Views no explore of a model uses (%1 files).").arg(orphans.size()));
    return units;
}

QString ContextSourceAdapter::skillPrompt() const
{
    QString skill;
    if (m_driver == QLatin1String("dbt"))
        skill = QStringLiteral(
            "## Skill: dbt_ingest\n"
            "You read part of a dbt project: properties YAML (models, columns, descriptions, "
            "tests, doc blocks referenced with {{ doc(...) }}) and the models' SQL.\n");
    else if (m_driver == QLatin1String("metricflow"))
        skill = QStringLiteral(
            "## Skill: metricflow_ingest\n"
            "You read connected MetricFlow semantic models (entities, dimensions, measures) and "
            "the metrics built on them. Metrics extraction could not express are kept on a wiki "
            "page that says so: explain them, do not force them into measures.\n");
    else
        skill = QStringLiteral(
            "## Skill: lookml_ingest\n"
            "You read a LookML model with the views its explores use (or the views no explore "
            "uses): dimensions, measures, explores and joins with their relationship, labels and "
            "descriptions.\n");
    return skill + QString::fromLatin1(CommonSkill).arg(m_warehouse);
}

} // namespace ktx
