#include "sources/metricflowsourceparser.h"

#include "project/yamldocument.h"
#include "project/yamleditor.h"
#include "project/yamlvalue.h"
#include "semantic/sourcefilename.h"
#include "semantic/sourceloader.h"
#include "sources/sourceyamlmerge.h"
#include "wiki/wikipage.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QRegularExpression>
#include <QSet>

#include <climits>
#include <functional>
#include <optional>

namespace ktx {

namespace {

struct MfEntity
{
    QString name;
    QString type; // primary | foreign | unique | natural
    QString column; // the column (or computed column) holding the key
    QString expr; // non-empty when the key is computed
    QString description;
};

struct MfDimension
{
    QString name;
    QString type; // categorical | time
    QString expr;
    QString granularity;
    QString description;
};

struct MfMeasure
{
    QString name;
    QString sql; // the aggregate expression; empty when not expressible
    QString reason; // why not, when sql is empty
    QString description;
    QString aggTimeDimension;
    QString definition; // the YAML as written, for the wiki page
    bool createMetric = false; // `create_metric: true` makes a metric of the same name
    int line = 0;
};

struct MfModel
{
    QString name;
    QString model; // the dbt model the ref() names
    QString description;
    QString aggTimeDimension;
    QList<MfEntity> entities;
    QList<MfDimension> dimensions;
    QList<MfMeasure> measures;
    QString file;
    int line = 0;
};

struct MfInput
{
    QString name;
    QString alias;
    QStringList filters;
    QString offset; // offset_window / offset_to_grain, as written
};

struct MfMetric
{
    QString name;
    QString type;
    QString description;
    QStringList filters;
    MfInput measure; // simple
    MfInput numerator, denominator; // ratio
    QString expr; // derived
    QList<MfInput> inputs; // derived
    QString window, grainToDate; // cumulative
    QString definition; // the YAML as written, for the wiki page
    QString file;
    int line = 0;
};

// A ktx measure produced on a source.
struct OutMeasure
{
    QString name;
    QString expr;
    QString filter;
    QString description;
    bool derived = false; // references other measures
};

struct Resolved
{
    QString model;
    QString measure;
};

QString scalarAt(const YamlNode *map, const char *key)
{
    if (!map || !map->isMapping())
        return {};
    const YamlNode *v = map->find(QString::fromLatin1(key));
    return v && v->isScalar() && !v->isNull() ? v->text.trimmed() : QString();
}

QStringList filterList(const YamlNode *map)
{
    QStringList out;
    const YamlNode *f = map && map->isMapping() ? map->find(u"filter") : nullptr;
    if (!f)
        return out;
    if (f->isScalar() && !f->isNull())
        out << f->text.trimmed();
    else if (f->isSequence())
        for (const YamlNode &item : f->items)
            if (item.isScalar() && !item.text.trimmed().isEmpty())
                out << item.text.trimmed();
    return out;
}

MfInput inputFrom(const YamlNode *node)
{
    MfInput in;
    if (!node)
        return in;
    if (node->isScalar()) {
        in.name = node->text.trimmed();
        return in;
    }
    in.name = scalarAt(node, "name");
    in.alias = scalarAt(node, "alias");
    in.filters = filterList(node);
    const QString window = scalarAt(node, "offset_window");
    const QString grain = scalarAt(node, "offset_to_grain");
    if (!window.isEmpty())
        in.offset = QStringLiteral("offset_window: ") + window;
    else if (!grain.isEmpty())
        in.offset = QStringLiteral("offset_to_grain: ") + grain;
    return in;
}

bool isIdentifier(const QString &text)
{
    static const QRegularExpression id(QStringLiteral("^[A-Za-z_][A-Za-z0-9_]*$"));
    return id.match(text).hasMatch();
}

QString aggregateSql(const QString &agg, const QString &expr, const YamlNode *params,
                     QString *reason)
{
    const QString e = expr;
    if (e.contains(QLatin1String("{{")) || e.contains(QLatin1String("{%"))) {
        *reason = QStringLiteral("its expr uses Jinja, which ktx does not render");
        return {};
    }
    const QString a = agg.toLower();
    if (a == QLatin1String("sum"))
        return QStringLiteral("SUM(%1)").arg(e);
    if (a == QLatin1String("count"))
        return QStringLiteral("COUNT(%1)").arg(e);
    if (a == QLatin1String("count_distinct"))
        return QStringLiteral("COUNT(DISTINCT %1)").arg(e);
    if (a == QLatin1String("average") || a == QLatin1String("avg"))
        return QStringLiteral("AVG(%1)").arg(e);
    if (a == QLatin1String("min"))
        return QStringLiteral("MIN(%1)").arg(e);
    if (a == QLatin1String("max"))
        return QStringLiteral("MAX(%1)").arg(e);
    if (a == QLatin1String("sum_boolean"))
        return QStringLiteral("SUM(CASE WHEN %1 THEN 1 ELSE 0 END)").arg(e);
    if (a == QLatin1String("median"))
        return QStringLiteral("PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY %1)").arg(e);
    if (a == QLatin1String("percentile")) {
        const QString p = scalarAt(params, "percentile");
        bool ok = false;
        const double value = p.toDouble(&ok);
        if (!ok || value < 0 || value > 1) {
            *reason = QStringLiteral("percentile measure without agg_params.percentile in [0, 1]");
            return {};
        }
        const bool discrete = scalarAt(params, "use_discrete_percentile") == QLatin1String("true");
        return QStringLiteral("%1(%2) WITHIN GROUP (ORDER BY %3)")
            .arg(discrete ? QStringLiteral("PERCENTILE_DISC") : QStringLiteral("PERCENTILE_CONT"),
                 p, e);
    }
    *reason = QStringLiteral("unknown agg '%1'").arg(agg);
    return {};
}

// The YAML text of one list item, dedented, for the wiki page.
QString definitionText(const QByteArray &text, const YamlNode &node)
{
    qsizetype from = node.start.offset;
    while (from > 0 && text.at(from - 1) != '\n')
        --from;
    QStringList lines
        = QString::fromUtf8(text.mid(from, node.end.offset - from)).split(QLatin1Char('\n'));
    while (!lines.isEmpty() && lines.last().trimmed().isEmpty())
        lines.removeLast();
    // The first line starts with "- "; the rest are indented past it.
    int indent = INT_MAX;
    for (const QString &l : std::as_const(lines)) {
        if (l.trimmed().isEmpty())
            continue;
        int i = 0;
        while (i < l.size() && (l.at(i) == QLatin1Char(' ') || l.at(i) == QLatin1Char('-')))
            ++i;
        indent = std::min(indent, i);
    }
    for (QString &l : lines)
        l = l.mid(std::min<qsizetype>(indent, l.size()));
    return lines.join(QLatin1Char('\n'));
}

QString slug(const QString &text)
{
    QString out;
    for (const QChar c : text.toLower()) {
        if ((c >= QLatin1Char('a') && c <= QLatin1Char('z'))
            || (c >= QLatin1Char('0') && c <= QLatin1Char('9')))
            out += c;
        else if (!out.endsWith(QLatin1Char('-')))
            out += QLatin1Char('-');
    }
    while (out.endsWith(QLatin1Char('-')))
        out.chop(1);
    while (out.startsWith(QLatin1Char('-')))
        out.remove(0, 1);
    return out;
}

QStringList yamlFiles(const QString &rootDir)
{
    QStringList files;
    QDirIterator it(rootDir, {QStringLiteral("*.yml"), QStringLiteral("*.yaml")}, QDir::Files,
                    QDirIterator::Subdirectories);
    const QDir root(rootDir);
    while (it.hasNext()) {
        const QString rel = root.relativeFilePath(it.next());
        // Build output and installed packages are not the project's definitions.
        if (rel.startsWith(QLatin1String("target/"))
            || rel.startsWith(QLatin1String("dbt_packages/"))
            || rel.startsWith(QLatin1String("node_modules/")) || rel.startsWith(QLatin1Char('.'))
            || rel.contains(QLatin1String("/.")))
            continue;
        files << rel;
    }
    files.sort();
    return files;
}

// Everything read from the folder.
struct MfProject
{
    QList<MfModel> models;
    QList<MfMetric> metrics;
    QHash<QString, QString> metricFileText; // file -> text (for nothing but definitions)
    ContextSourceReport report;
};

void readFile(const QString &rel, const QByteArray &text, MfProject &project)
{
    ContextSourceReport &report = project.report;
    Result<YamlDocument> doc = YamlDocument::parse(text, rel);
    if (!doc) {
        report.errors.append({rel, doc.error().line, doc.error().column, doc.error().message});
        return;
    }
    const YamlNode *root = doc->root();
    if (!root || !root->isMapping())
        return;
    QSet<QString> modelNames;
    for (const MfModel &m : std::as_const(project.models))
        modelNames.insert(m.name);

    if (const YamlNode *models = root->find(u"semantic_models")) {
        if (!models->isSequence()) {
            report.errors.append({rel, models->start.line, models->start.column,
                                  QStringLiteral("semantic_models must be a list")});
        } else {
            for (const YamlNode &node : models->items) {
                MfModel m;
                m.file = rel;
                m.line = node.start.line;
                m.name = scalarAt(&node, "name");
                if (m.name.isEmpty()) {
                    report.errors.append({rel, node.start.line, node.start.column,
                                          QStringLiteral("semantic model without a name")});
                    continue;
                }
                if (modelNames.contains(m.name)) {
                    report.errors.append(
                        {rel, node.start.line, node.start.column,
                         QStringLiteral(
                             "semantic model '%1' is declared twice; this one is ignored")
                             .arg(m.name)});
                    continue;
                }
                modelNames.insert(m.name);
                ++report.models;
                static const QRegularExpression ref(QStringLiteral(
                    "ref\\(\\s*['\"]([^'\"]+)['\"]\\s*(?:,\\s*['\"]([^'\"]+)['\"]\\s*)?\\)"));
                const QString model = scalarAt(&node, "model");
                const QRegularExpressionMatch match = ref.match(model);
                // ref('package', 'model') names the model second.
                m.model = match.hasMatch()
                    ? (match.captured(2).isEmpty() ? match.captured(1) : match.captured(2))
                    : model;
                m.description = scalarAt(&node, "description");
                m.aggTimeDimension = scalarAt(node.find(u"defaults"), "agg_time_dimension");
                if (const YamlNode *list = node.find(u"entities"); list && list->isSequence()) {
                    for (const YamlNode &e : list->items) {
                        MfEntity entity;
                        entity.name = scalarAt(&e, "name");
                        entity.type = scalarAt(&e, "type").toLower();
                        entity.description = scalarAt(&e, "description");
                        const QString expr = scalarAt(&e, "expr");
                        if (expr.isEmpty() || isIdentifier(expr)) {
                            entity.column = expr.isEmpty() ? entity.name : expr;
                        } else {
                            entity.column = entity.name;
                            entity.expr = expr;
                        }
                        if (!entity.name.isEmpty())
                            m.entities.append(entity);
                    }
                }
                if (const YamlNode *list = node.find(u"dimensions"); list && list->isSequence()) {
                    for (const YamlNode &d : list->items) {
                        MfDimension dim;
                        dim.name = scalarAt(&d, "name");
                        dim.type = scalarAt(&d, "type").toLower();
                        dim.expr = scalarAt(&d, "expr");
                        if (dim.expr == dim.name)
                            dim.expr.clear();
                        dim.granularity
                            = scalarAt(d.find(u"type_params"), "time_granularity").toLower();
                        dim.description = scalarAt(&d, "description");
                        if (dim.description.isEmpty())
                            dim.description = scalarAt(&d, "label");
                        if (!dim.name.isEmpty())
                            m.dimensions.append(dim);
                    }
                }
                if (const YamlNode *list = node.find(u"measures"); list && list->isSequence()) {
                    for (const YamlNode &n : list->items) {
                        MfMeasure measure;
                        measure.name = scalarAt(&n, "name");
                        if (measure.name.isEmpty())
                            continue;
                        measure.description = scalarAt(&n, "description");
                        if (measure.description.isEmpty())
                            measure.description = scalarAt(&n, "label");
                        measure.aggTimeDimension = scalarAt(&n, "agg_time_dimension");
                        measure.line = n.start.line;
                        measure.definition = definitionText(text, n);
                        measure.createMetric
                            = scalarAt(&n, "create_metric") == QLatin1String("true");
                        QString expr = scalarAt(&n, "expr");
                        if (expr.isEmpty())
                            expr = measure.name;
                        if (n.find(u"non_additive_dimension")) {
                            measure.reason = QStringLiteral(
                                "semi-additive (non_additive_dimension): it must be taken at one "
                                "point in time before aggregating, which a ktx measure cannot say");
                        } else {
                            measure.sql = aggregateSql(scalarAt(&n, "agg"), expr,
                                                       n.find(u"agg_params"), &measure.reason);
                        }
                        m.measures.append(measure);
                    }
                }
                project.models.append(m);
            }
        }
    }

    if (const YamlNode *metrics = root->find(u"metrics")) {
        if (!metrics->isSequence()) {
            report.errors.append({rel, metrics->start.line, metrics->start.column,
                                  QStringLiteral("metrics must be a list")});
            return;
        }
        for (const YamlNode &node : metrics->items) {
            MfMetric metric;
            metric.file = rel;
            metric.line = node.start.line;
            metric.name = scalarAt(&node, "name");
            if (metric.name.isEmpty()) {
                report.errors.append({rel, node.start.line, node.start.column,
                                      QStringLiteral("metric without a name")});
                continue;
            }
            ++report.metrics;
            metric.type = scalarAt(&node, "type").toLower();
            metric.description = scalarAt(&node, "description");
            if (metric.description.isEmpty())
                metric.description = scalarAt(&node, "label");
            metric.filters = filterList(&node);
            metric.definition = definitionText(text, node);
            const YamlNode *params = node.find(u"type_params");
            if (params && params->isMapping()) {
                metric.measure = inputFrom(params->find(u"measure"));
                metric.numerator = inputFrom(params->find(u"numerator"));
                metric.denominator = inputFrom(params->find(u"denominator"));
                metric.expr = scalarAt(params, "expr");
                if (const YamlNode *list = params->find(u"metrics"); list && list->isSequence())
                    for (const YamlNode &item : list->items)
                        metric.inputs.append(inputFrom(&item));
                metric.window = scalarAt(params, "window");
                metric.grainToDate = scalarAt(params, "grain_to_date");
            }
            project.metrics.append(metric);
        }
    }
}

MfProject readProject(const QString &rootDir)
{
    MfProject project;
    project.report.driver = QStringLiteral("metricflow");
    const QDir root(rootDir);
    for (const QString &rel : yamlFiles(rootDir)) {
        QFile file(root.filePath(rel));
        if (!file.open(QIODevice::ReadOnly)) {
            project.report.errors.append({rel, 0, 0, file.errorString()});
            continue;
        }
        project.report.filesRead << rel;
        readFile(rel, file.readAll(), project);
    }
    return project;
}

// Turns metrics into measures on the semantic models' sources.
class MetricTranslator
{
public:
    MetricTranslator(const MfProject &project)
        : m_project(project)
    {
        for (const MfModel &m : project.models) {
            for (const MfMeasure &measure : m.measures) {
                m_measureModel.insert(measure.name, m.name);
                if (!measure.sql.isEmpty())
                    m_out[m.name].append({measure.name, measure.sql, {}, measure.description});
            }
        }
        for (const MfMetric &metric : project.metrics)
            m_metrics.insert(metric.name, &metric);
    }

    QMap<QString, QList<OutMeasure>> run(QList<QPair<const MfMetric *, QString>> *notExpressed)
    {
        for (const MfMetric &metric : m_project.metrics) {
            const std::optional<Resolved> r = resolve(metric.name);
            if (!r)
                notExpressed->append({&metric, m_reason.value(metric.name)});
        }
        return m_out;
    }

private:
    const MfModel *model(const QString &name) const
    {
        for (const MfModel &m : m_project.models)
            if (m.name == name)
                return &m;
        return nullptr;
    }

    OutMeasure *outMeasure(const QString &modelName, const QString &name)
    {
        for (OutMeasure &m : m_out[modelName])
            if (m.name == name)
                return &m;
        return nullptr;
    }

    bool nameTaken(const QString &name) const
    {
        for (auto it = m_out.cbegin(); it != m_out.cend(); ++it)
            for (const OutMeasure &m : it.value())
                if (m.name == name)
                    return true;
        return false;
    }

    // `{{ Dimension('entity__dim') }}` / `{{ Entity('e') }}` to columns of `m`.
    std::optional<QString> translateFilter(const MfModel &m, const QString &filter, QString *why)
    {
        static const QRegularExpression jinja(QStringLiteral("\\{\\{(.*?)\\}\\}"),
                                              QRegularExpression::DotMatchesEverythingOption);
        static const QRegularExpression call(
            QStringLiteral("^\\s*(Dimension|Entity|TimeDimension|Metric)\\(\\s*['\"]([^'\"]+)['\"]"
                           "\\s*(,[^)]*)?\\)\\s*$"));
        if (filter.contains(QLatin1String("{%"))) {
            *why = QStringLiteral("its filter uses Jinja control flow");
            return std::nullopt;
        }
        QString out;
        qsizetype last = 0;
        QRegularExpressionMatchIterator it = jinja.globalMatch(filter);
        while (it.hasNext()) {
            const QRegularExpressionMatch j = it.next();
            out += filter.mid(last, j.capturedStart() - last);
            last = j.capturedEnd();
            const QRegularExpressionMatch c = call.match(j.captured(1));
            if (!c.hasMatch()) {
                *why = QStringLiteral("its filter uses %1").arg(j.captured(0).simplified());
                return std::nullopt;
            }
            const QString kind = c.captured(1);
            const QString ref = c.captured(2);
            if (kind != QLatin1String("Dimension") && kind != QLatin1String("Entity")) {
                *why = QStringLiteral("its filter uses %1(...), which needs a time spine or "
                                      "another metric")
                           .arg(kind);
                return std::nullopt;
            }
            QStringList parts = ref.split(QStringLiteral("__"));
            if (kind == QLatin1String("Entity")) {
                const MfEntity *e = nullptr;
                for (const MfEntity &x : m.entities)
                    if (x.name == parts.last())
                        e = &x;
                if (!e || parts.size() > 1) {
                    *why = QStringLiteral("its filter names entity '%1', which is not on "
                                          "semantic model '%2'")
                               .arg(ref, m.name);
                    return std::nullopt;
                }
                out += e->expr.isEmpty() ? e->column : QStringLiteral("(%1)").arg(e->expr);
                continue;
            }
            const QString dimName = parts.takeLast();
            bool entityHere = parts.isEmpty();
            if (parts.size() == 1)
                for (const MfEntity &x : m.entities)
                    entityHere = entityHere || x.name == parts.first();
            const MfDimension *d = nullptr;
            for (const MfDimension &x : m.dimensions)
                if (x.name == dimName)
                    d = &x;
            if (!entityHere || !d || parts.size() > 1) {
                *why = QStringLiteral("its filter on Dimension('%1') needs a join to another "
                                      "semantic model, which a measure filter cannot make")
                           .arg(ref);
                return std::nullopt;
            }
            out += d->expr.isEmpty()
                ? d->name
                : (isIdentifier(d->expr) ? d->expr : QStringLiteral("(%1)").arg(d->expr));
        }
        out += filter.mid(last);
        return out.simplified();
    }

    std::optional<QString> combinedFilter(const MfModel &m, const QStringList &filters,
                                          QString *why)
    {
        QStringList parts;
        for (const QString &f : filters) {
            const std::optional<QString> t = translateFilter(m, f, why);
            if (!t)
                return std::nullopt;
            parts << *t;
        }
        if (parts.size() == 1)
            return parts.first();
        for (QString &p : parts)
            p = QStringLiteral("(%1)").arg(p);
        return parts.join(QStringLiteral(" AND "));
    }

    // An input of a ratio or derived metric as a measure name on one model; a
    // filtered input becomes its own helper measure.
    std::optional<Resolved> resolveInput(const MfMetric &owner, const MfInput &in,
                                         const QString &helperName, QString *why)
    {
        const std::optional<Resolved> base = resolve(in.name);
        if (!base) {
            *why = QStringLiteral("input metric '%1' is not expressed (%2)")
                       .arg(in.name, m_reason.value(in.name, QStringLiteral("unknown metric")));
            return std::nullopt;
        }
        if (!in.offset.isEmpty()) {
            *why = QStringLiteral("input '%1' uses %2 (a period-over-period comparison needs a "
                                  "time spine)")
                       .arg(in.name, in.offset);
            return std::nullopt;
        }
        const QStringList filters = in.filters + owner.filters;
        if (filters.isEmpty())
            return base;
        const OutMeasure *source = outMeasure(base->model, base->measure);
        const MfModel *m = model(base->model);
        if (!source || source->derived || !m) {
            *why = QStringLiteral("input '%1' is itself derived and cannot take a filter")
                       .arg(in.name);
            return std::nullopt;
        }
        const std::optional<QString> f = combinedFilter(*m, filters, why);
        if (!f)
            return std::nullopt;
        QString filter = *f;
        if (!source->filter.isEmpty())
            filter = QStringLiteral("(%1) AND (%2)").arg(source->filter, filter);
        if (nameTaken(helperName)) {
            *why = QStringLiteral("measure name '%1' is already used").arg(helperName);
            return std::nullopt;
        }
        m_out[base->model].append(
            {helperName, source->expr, filter, QStringLiteral("Input of %1.").arg(owner.name)});
        return Resolved {base->model, helperName};
    }

    std::optional<Resolved> fail(const QString &name, const QString &why)
    {
        m_reason.insert(name, why);
        m_done.insert(name, std::nullopt);
        return std::nullopt;
    }

    std::optional<Resolved> resolve(const QString &name)
    {
        if (m_done.contains(name))
            return m_done.value(name);
        const MfMetric *metric = m_metrics.value(name);
        if (!metric) {
            // A measure with create_metric: true is a simple metric of its own name.
            const QString modelName = m_measureModel.value(name);
            const MfModel *m = model(modelName);
            if (m)
                for (const MfMeasure &x : m->measures)
                    if (x.name == name && x.createMetric && !x.sql.isEmpty()) {
                        m_done.insert(name, Resolved {modelName, name});
                        return m_done.value(name);
                    }
        }
        if (!metric)
            return fail(name, QStringLiteral("no metric named '%1'").arg(name));
        if (m_visiting.contains(name))
            return fail(name, QStringLiteral("metric '%1' depends on itself").arg(name));
        m_visiting.insert(name);
        std::optional<Resolved> r = translate(*metric);
        m_visiting.remove(name);
        if (r)
            m_done.insert(name, r);
        return r;
    }

    std::optional<Resolved> translate(const MfMetric &metric)
    {
        QString why;
        const QString &type = metric.type;
        if (type == QLatin1String("simple")) {
            const QString modelName = m_measureModel.value(metric.measure.name);
            const MfModel *m = model(modelName);
            if (!m)
                return fail(metric.name,
                            QStringLiteral("measure '%1' is not declared in any "
                                           "semantic model")
                                .arg(metric.measure.name));
            const OutMeasure *measure = outMeasure(modelName, metric.measure.name);
            if (!measure) {
                for (const MfMeasure &x : m->measures)
                    if (x.name == metric.measure.name)
                        why = x.reason;
                return fail(metric.name,
                            QStringLiteral("its measure '%1' is %2").arg(metric.measure.name, why));
            }
            const QStringList filters = metric.measure.filters + metric.filters;
            if (filters.isEmpty() && metric.name == measure->name) {
                if (measure->description.isEmpty())
                    outMeasure(modelName, measure->name)->description = metric.description;
                return Resolved {modelName, measure->name};
            }
            const std::optional<QString> filter = combinedFilter(*m, filters, &why);
            if (!filter)
                return fail(metric.name, why);
            if (nameTaken(metric.name))
                return fail(metric.name,
                            QStringLiteral("a measure named '%1' already exists on the source; "
                                           "a filtered metric cannot share its name")
                                .arg(metric.name));
            m_out[modelName].append({metric.name, measure->expr, *filter, metric.description});
            return Resolved {modelName, metric.name};
        }
        if (type == QLatin1String("ratio")) {
            const std::optional<Resolved> num = resolveInput(
                metric, metric.numerator, metric.name + QStringLiteral("__numerator"), &why);
            if (!num)
                return fail(metric.name, QStringLiteral("numerator: ") + why);
            const std::optional<Resolved> den = resolveInput(
                metric, metric.denominator, metric.name + QStringLiteral("__denominator"), &why);
            if (!den)
                return fail(metric.name, QStringLiteral("denominator: ") + why);
            if (num->model != den->model)
                return fail(metric.name,
                            QStringLiteral("numerator and denominator live on different semantic "
                                           "models (%1, %2)")
                                .arg(num->model, den->model));
            if (nameTaken(metric.name))
                return fail(metric.name,
                            QStringLiteral("measure name '%1' is already used").arg(metric.name));
            // 1.0 * keeps integer counts from dividing as integers (PostgreSQL, SQLite).
            m_out[num->model].append(
                {metric.name,
                 QStringLiteral("1.0 * %1 / NULLIF(%2, 0)").arg(num->measure, den->measure),
                 {},
                 metric.description,
                 true});
            return Resolved {num->model, metric.name};
        }
        if (type == QLatin1String("derived")) {
            if (metric.expr.isEmpty())
                return fail(metric.name, QStringLiteral("derived metric without type_params.expr"));
            QHash<QString, QString> rename;
            QString modelName;
            for (const MfInput &in : metric.inputs) {
                const QString token = in.alias.isEmpty() ? in.name : in.alias;
                const std::optional<Resolved> r
                    = resolveInput(metric, in, metric.name + QStringLiteral("__") + token, &why);
                if (!r)
                    return fail(metric.name, why);
                if (!modelName.isEmpty() && modelName != r->model)
                    return fail(metric.name,
                                QStringLiteral("its inputs live on different semantic models "
                                               "(%1, %2)")
                                    .arg(modelName, r->model));
                modelName = r->model;
                rename.insert(token, r->measure);
            }
            if (modelName.isEmpty())
                return fail(metric.name, QStringLiteral("derived metric without input metrics"));
            static const QRegularExpression word(QStringLiteral("[A-Za-z_][A-Za-z0-9_]*"));
            QString expr;
            qsizetype last = 0;
            QRegularExpressionMatchIterator it = word.globalMatch(metric.expr);
            while (it.hasNext()) {
                const QRegularExpressionMatch w = it.next();
                expr += metric.expr.mid(last, w.capturedStart() - last);
                expr += rename.value(w.captured(0), w.captured(0));
                last = w.capturedEnd();
            }
            expr += metric.expr.mid(last);
            if (nameTaken(metric.name))
                return fail(metric.name,
                            QStringLiteral("measure name '%1' is already used").arg(metric.name));
            m_out[modelName].append({metric.name, expr.simplified(), {}, metric.description, true});
            return Resolved {modelName, metric.name};
        }
        if (type == QLatin1String("cumulative")) {
            QString span = QStringLiteral("all time");
            if (!metric.window.isEmpty())
                span = QStringLiteral("a moving window of ") + metric.window;
            else if (!metric.grainToDate.isEmpty())
                span = metric.grainToDate + QStringLiteral("-to-date");
            return fail(metric.name,
                        QStringLiteral("cumulative over %1: each period needs the rows of earlier "
                                       "periods (a time spine), which a ktx measure at query grain "
                                       "cannot express")
                            .arg(span));
        }
        if (type == QLatin1String("conversion"))
            return fail(metric.name,
                        QStringLiteral("conversion metric: it matches base events to later "
                                       "conversion events per entity within a window, which a "
                                       "single aggregate cannot express"));
        return fail(metric.name,
                    QStringLiteral("metric type '%1' is not supported")
                        .arg(type.isEmpty() ? QStringLiteral("(none)") : type));
    }

    const MfProject &m_project;
    QHash<QString, QString> m_measureModel;
    QHash<QString, const MfMetric *> m_metrics;
    QMap<QString, QList<OutMeasure>> m_out;
    QHash<QString, std::optional<Resolved>> m_done;
    QHash<QString, QString> m_reason;
    QSet<QString> m_visiting;
};

YamlValue descriptions(const QString &text)
{
    YamlValue d = YamlValue::mapping();
    d.insert(QStringLiteral("metricflow"), YamlValue::string(text));
    return d;
}

} // namespace

QString MetricFlowSourceParser::driver() const
{
    return QStringLiteral("metricflow");
}

Result<ContextSourceReport> MetricFlowSourceParser::check(const QString &rootDir) const
{
    if (!QFileInfo(rootDir).isDir())
        return makeError(QStringLiteral("source_folder_missing"),
                         QStringLiteral("MetricFlow folder %1 does not exist").arg(rootDir),
                         QStringLiteral("Check the source's path."));
    return readProject(rootDir).report;
}

Result<ContextSourceExtraction>
MetricFlowSourceParser::extract(const ContextSourceInput &input) const
{
    if (!QFileInfo(input.rootDir).isDir())
        return makeError(QStringLiteral("source_folder_missing"),
                         QStringLiteral("MetricFlow folder %1 does not exist").arg(input.rootDir),
                         QStringLiteral("Check the source's path."));
    MfProject project = readProject(input.rootDir);
    ContextSourceExtraction out;
    ContextSourceReport &report = project.report;

    QList<QPair<const MfMetric *, QString>> notExpressed;
    MetricTranslator translator(project);
    const QMap<QString, QList<OutMeasure>> measures = translator.run(&notExpressed);
    const QString connection
        = input.warehouseConnectionId.isEmpty() ? input.connectionId : input.warehouseConnectionId;
    const QHash<QString, SemanticSource> tables = SourceYamlMerge::warehouseTables(
        input.baseFiles, QStringLiteral("semantic-layer/%1/").arg(connection));

    // Per file, what was left out, for its wiki page.
    QMap<QString, QStringList> leftOut;
    QMap<QString, QStringList> leftOutSources;

    QList<const MfModel *> models;
    for (const MfModel &m : std::as_const(project.models))
        models.append(&m);
    std::sort(models.begin(), models.end(),
              [](const MfModel *a, const MfModel *b) { return a->name < b->name; });
    auto primaryOf = [&](const QString &entity, const QString &except) -> const MfModel * {
        for (const MfModel *m : std::as_const(models)) {
            if (m->name == except)
                continue;
            for (const MfEntity &e : m->entities)
                if (e.name == entity && e.type == QLatin1String("primary"))
                    return m;
        }
        return nullptr;
    };

    for (const MfModel *m : std::as_const(models)) {
        for (const MfMeasure &x : m->measures) {
            if (!x.sql.isEmpty())
                continue;
            report.skipped.append(
                {QStringLiteral("measure %1.%2").arg(m->name, x.name), x.reason, m->file, x.line});
            leftOut[m->file] << QStringLiteral("## Measure %1.%2\n\nNot a ktx measure: %3.\n\n"
                                               "```yaml\n%4\n```\n")
                                    .arg(m->name, x.name, x.reason, x.definition);
            leftOutSources[m->file] << m->name;
        }
        const MfEntity *grain = nullptr;
        for (const QString &kind :
             {QStringLiteral("primary"), QStringLiteral("unique"), QStringLiteral("natural")}) {
            for (const MfEntity &e : m->entities)
                if (!grain && e.type == kind)
                    grain = &e;
        }
        if (!grain) {
            const QString reason = QStringLiteral(
                "it has no primary, unique or natural entity, so its grain is unknown");
            report.skipped.append(
                {QStringLiteral("semantic model ") + m->name, reason, m->file, m->line});
            leftOut[m->file] << QStringLiteral("## Semantic model %1\n\nNot a ktx source: %2.\n")
                                    .arg(m->name, reason);
            continue;
        }
        const SemanticSource *table
            = tables.contains(m->model.toLower()) ? &*tables.find(m->model.toLower()) : nullptr;
        auto typeOf = [&](const QString &column, const QString &fallback) {
            if (table)
                for (const SourceColumn &c : table->columns)
                    if (c.name.compare(column, Qt::CaseInsensitive) == 0 && !c.type.isEmpty())
                        return c.type;
            return fallback;
        };

        YamlValue doc = YamlValue::mapping();
        doc.insert(QStringLiteral("name"), YamlValue::string(m->name));
        if (!m->description.isEmpty())
            doc.insert(QStringLiteral("descriptions"), descriptions(m->description));
        doc.insert(QStringLiteral("table"), YamlValue::string(table ? table->table : m->model));
        doc.insert(QStringLiteral("grain"), YamlValue::stringList({grain->column}));

        YamlValue columns = YamlValue::list();
        QSet<QString> seen;
        for (const MfEntity &e : m->entities) {
            if (seen.contains(e.column))
                continue;
            seen.insert(e.column);
            YamlValue c = YamlValue::mapping();
            c.insert(QStringLiteral("name"), YamlValue::string(e.column));
            c.insert(QStringLiteral("type"),
                     YamlValue::string(typeOf(e.expr.isEmpty() ? e.column : QString(),
                                              QStringLiteral("string"))));
            if (!e.description.isEmpty())
                c.insert(QStringLiteral("descriptions"), descriptions(e.description));
            if (!e.expr.isEmpty())
                c.insert(QStringLiteral("expr"), YamlValue::string(e.expr));
            columns.append(c);
        }
        QString aggTime = m->aggTimeDimension;
        for (const MfDimension &d : m->dimensions) {
            if (seen.contains(d.name))
                continue;
            seen.insert(d.name);
            const bool time = d.type == QLatin1String("time");
            if (time && aggTime.isEmpty())
                aggTime = d.name; // a model with one time dimension aggregates on it
            YamlValue c = YamlValue::mapping();
            c.insert(QStringLiteral("name"), YamlValue::string(d.name));
            c.insert(QStringLiteral("type"),
                     YamlValue::string(time ? QStringLiteral("time")
                                            : typeOf(d.expr.isEmpty() ? d.name : QString(),
                                                     QStringLiteral("string"))));
            if (time && d.name == aggTime)
                c.insert(QStringLiteral("role"), YamlValue::string(QStringLiteral("time")));
            if (!d.description.isEmpty())
                c.insert(QStringLiteral("descriptions"), descriptions(d.description));
            if (!d.expr.isEmpty())
                c.insert(QStringLiteral("expr"), YamlValue::string(d.expr));
            if (time && !d.granularity.isEmpty())
                c.insert(QStringLiteral("natural_granularity"), YamlValue::string(d.granularity));
            columns.append(c);
        }
        doc.insert(QStringLiteral("columns"), columns);

        YamlValue measureList = YamlValue::list();
        const QList<OutMeasure> sourceMeasures = measures.value(m->name);
        for (const OutMeasure &x : sourceMeasures) {
            QSet<QString> others;
            for (const OutMeasure &o : sourceMeasures)
                if (o.name != x.name)
                    others.insert(o.name);
            YamlValue v = YamlValue::mapping();
            v.insert(QStringLiteral("name"), YamlValue::string(x.name));
            v.insert(QStringLiteral("expr"),
                     YamlValue::string(x.derived ? x.expr
                                                 : SourceYamlMerge::qualifyMeasureNames(
                                                     x.expr, m->name, others)));
            if (!x.filter.isEmpty())
                v.insert(QStringLiteral("filter"),
                         YamlValue::string(
                             SourceYamlMerge::qualifyMeasureNames(x.filter, m->name, others)));
            if (!x.description.isEmpty())
                v.insert(QStringLiteral("description"), YamlValue::string(x.description));
            measureList.append(v);
            ++report.measures;
        }
        if (!measureList.items().empty())
            doc.insert(QStringLiteral("measures"), measureList);

        YamlValue joins = YamlValue::list();
        for (const MfEntity &e : m->entities) {
            if (e.type != QLatin1String("foreign") && e.type != QLatin1String("unique"))
                continue;
            const MfModel *target = primaryOf(e.name, m->name);
            if (!target)
                continue;
            QString targetColumn;
            for (const MfEntity &t : target->entities)
                if (t.name == e.name && t.type == QLatin1String("primary"))
                    targetColumn = t.column;
            YamlValue j = YamlValue::mapping();
            j.insert(QStringLiteral("to"), YamlValue::string(target->name));
            j.insert(QStringLiteral("on"),
                     YamlValue::string(
                         QStringLiteral("%1 = %2.%3").arg(e.column, target->name, targetColumn)));
            j.insert(QStringLiteral("relationship"),
                     YamlValue::string(e.type == QLatin1String("foreign")
                                           ? QStringLiteral("many_to_one")
                                           : QStringLiteral("one_to_one")));
            joins.append(j);
            ++report.joins;
        }
        if (!joins.items().empty())
            doc.insert(QStringLiteral("joins"), joins);

        // A source of that name already exists (the scan's, dbt's, a person's):
        // the semantic model's facts merge into it instead of replacing it, so
        // its columns, joins, measures and other origins' descriptions stay.
        const QString folder = QStringLiteral("semantic-layer/%1/").arg(connection);
        if (const QString existing
            = SourceYamlMerge::existingSourceFile(input.baseFiles, folder, m->name);
            !existing.isEmpty()) {
            const QByteArray before = input.baseFiles.value(existing);
            Result<YamlDocument> parsed = YamlDocument::parse(before, existing);
            if (!parsed) {
                report.errors.append(
                    {existing, parsed.error().line, parsed.error().column,
                     QStringLiteral("cannot merge MetricFlow facts: ") + parsed.error().message});
                continue;
            }
            const YamlNode *root = parsed->root();
            YamlEditor editor(before);
            QList<Result<void>> results;
            if (!m->description.isEmpty())
                results << editor.set(
                    {QStringLiteral("descriptions"), QStringLiteral("metricflow")},
                    YamlValue::string(m->description));
            if (!(root && root->find(u"grain")))
                results << editor.set({QStringLiteral("grain")},
                                      YamlValue::stringList({grain->column}));
            const auto listOf = [](const YamlValue &list) {
                return QList<YamlValue>(list.items().cbegin(), list.items().cend());
            };
            if (!measureList.items().empty())
                results << editor.set(
                    {QStringLiteral("measures")},
                    SourceYamlMerge::mergeList(root ? root->find(u"measures") : nullptr,
                                               listOf(measureList), SourceYamlMerge::nameOf));
            if (!joins.items().empty())
                results << editor.set(
                    {QStringLiteral("joins")},
                    SourceYamlMerge::mergeList(root ? root->find(u"joins") : nullptr, listOf(joins),
                                               SourceYamlMerge::joinKey));
            report.skipped.append({QStringLiteral("columns of semantic model ") + m->name,
                                   QStringLiteral("source %1 already exists in %2; its columns "
                                                  "are kept and only descriptions, grain, "
                                                  "measures and joins are merged")
                                       .arg(m->name, existing),
                                   m->file, m->line});
            bool failed = false;
            for (const Result<void> &r : std::as_const(results))
                if (!r.ok()) {
                    report.errors.append({existing, 0, 0, r.error().message});
                    failed = true;
                }
            if (!failed && editor.text() != before)
                out.files.insert(existing, editor.text());
            if (!failed)
                report.sources << m->name;
            continue;
        }
        Result<QByteArray> text = YamlEditor::renderDocument(doc);
        if (!text) {
            report.errors.append({m->file, m->line, 0, text.error().message});
            continue;
        }
        out.files.insert(folder + SourceFileName::forSource(m->name), text.value());
        report.sources << m->name;
    }

    for (const auto &[metric, reason] : std::as_const(notExpressed)) {
        report.skipped.append(
            {QStringLiteral("metric ") + metric->name, reason, metric->file, metric->line});
        leftOut[metric->file]
            << QStringLiteral("## Metric %1 (%2)\n\n%3%4Not a ktx measure: %5.\n\n"
                              "```yaml\n%6\n```\n")
                   .arg(metric->name,
                        metric->type.isEmpty() ? QStringLiteral("no type") : metric->type,
                        metric->description,
                        metric->description.isEmpty() ? QString() : QStringLiteral("\n\n"), reason,
                        metric->definition);
        // The measures the metric builds on, so the page is found from the source.
        const MfInput *inputs[] = {&metric->measure, &metric->numerator, &metric->denominator};
        for (const MfInput *in : inputs)
            for (const MfModel &m : std::as_const(project.models))
                for (const MfMeasure &x : m.measures)
                    if (!in->name.isEmpty() && x.name == in->name)
                        leftOutSources[metric->file] << m.name;
    }

    for (auto it = leftOut.cbegin(); it != leftOut.cend(); ++it) {
        const QString base = QFileInfo(it.key()).completeBaseName();
        WikiPage page;
        page.key = QStringLiteral("metricflow-") + slug(base);
        page.summary = QStringLiteral("MetricFlow definitions in %1 that ktx does not express as "
                                      "semantic-layer measures, and why")
                           .arg(it.key());
        page.tags = {QStringLiteral("metricflow")};
        QStringList refs;
        for (const QString &s : leftOutSources.value(it.key()))
            if (report.sources.contains(s) && !refs.contains(s))
                refs << s;
        refs.sort();
        page.slRefs = refs;
        page.source = QStringLiteral("metricflow");
        page.body = QStringLiteral("# MetricFlow: %1\n\nThese definitions from `%1` have no ktx "
                                   "measure. Answer questions about them from the definition "
                                   "below, or compute them in SQL over the listed sources.\n\n")
                        .arg(it.key())
            + it.value().join(QLatin1Char('\n'));
        out.files.insert(page.relativePath(), page.serialize());
        report.wikiPages << page.key;
    }
    report.sources.sort();
    out.report = report;
    return out;
}

} // namespace ktx
