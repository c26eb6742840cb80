#include "queryplayground.h"

#include "codeeditor.h"
#include "colorscheme.h"
#include "db/queryjob.h"
#include "highlight/syntaxhighlighting.h"
#include "models/queryresultmodel.h"
#include "models/semanticfieldmodel.h"
#include "project/configloader.h"
#include "project/projectconfig.h"
#include "semantic/semanticengine.h"
#include "semantic/semanticlayerstore.h"

#include <QAction>
#include <QComboBox>
#include <QCompleter>
#include <QDir>
#include <QElapsedTimer>
#include <QFormLayout>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QSpinBox>
#include <QSplitter>
#include <QStringListModel>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace ktx {

namespace {

constexpr int CompileDelayMs = 150;
constexpr int DefaultLimit = 1000;
constexpr int MaxLimit = 10000;

struct FieldsOutcome
{
    QList<SemanticSource> sources;
    QString driver;
    bool predefinedOnly = false;
    QString error;
};

FieldsOutcome loadFieldsJob(const QString &projectDir, const QString &connectionId)
{
    FieldsOutcome outcome;
    outcome.sources = SemanticLayerStore(projectDir).load(connectionId).sources;
    Result<LoadedConfig> loaded
        = ConfigLoader::loadFile(QDir(projectDir).filePath(QStringLiteral("ktx.yaml")));
    const ConnectionConfig *config
        = loaded.ok() ? loaded->config.connection(connectionId) : nullptr;
    if (!config) {
        outcome.error = QObject::tr("Connection “%1” is not configured in ktx.yaml, so queries "
                                    "cannot be compiled or run.")
                            .arg(connectionId);
        return outcome;
    }
    outcome.driver = config->driver;
    // The policy comes from ktx.yaml, as for the CLI and agents.
    outcome.predefinedOnly
        = config->field(QStringLiteral("query_policy")) == QLatin1String("semantic-layer-only");
    return outcome;
}

struct CompileOutcome
{
    bool ok = false;
    QString sql;
    QStringList notes;
    QStringList joinPath;
    QString error;
};

CompileOutcome compileJob(const QList<SemanticSource> &sources, const SemanticQuery &query,
                          const QString &driver)
{
    CompileOutcome outcome;
    const SemanticEngine engine(sources);
    Result<SemanticEngine::Compiled> compiled = engine.compile(query, driver);
    if (!compiled.ok()) {
        outcome.error = compiled.error().message;
        if (!compiled.error().hint.isEmpty())
            outcome.error += QLatin1Char('\n') + compiled.error().hint;
        return outcome;
    }
    outcome.ok = true;
    outcome.sql = compiled->sql;
    const SemanticPlan &plan = compiled->plan;
    if (plan.hasFanOut)
        outcome.notes << QObject::tr("%1: each measure group is aggregated on its own, so nothing "
                                     "is double counted.")
                             .arg(plan.fanOutDescription);
    outcome.notes += plan.warnings;
    outcome.joinPath = plan.joinPaths();
    if (outcome.joinPath.isEmpty() && !plan.anchorSource.isEmpty())
        outcome.joinPath << QObject::tr("%1 (no joins)").arg(plan.anchorSource);
    return outcome;
}

QStringList splitList(const QString &text)
{
    QStringList out;
    for (const QString &part : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const QString trimmed = part.trimmed();
        if (!trimmed.isEmpty())
            out << trimmed;
    }
    return out;
}

QLabel *banner(const QString &objectName)
{
    auto *label = new QLabel;
    label->setObjectName(objectName);
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    label->setAutoFillBackground(true);
    label->setContentsMargins(8, 6, 8, 6);
    label->hide();
    return label;
}

void tint(QLabel *label, ReadinessState state)
{
    QPalette pal = label->palette();
    const QPalette base = label->parentWidget() ? label->parentWidget()->palette() : pal;
    pal.setColor(QPalette::Window, ColorScheme::stateTint(state, base, 0.16));
    pal.setColor(QPalette::WindowText, base.color(QPalette::Text));
    label->setPalette(pal);
}

} // namespace

QueryPlayground::QueryPlayground(QWidget *parent)
    : QWidget(parent)
    , m_measures(new SemanticFieldModel(SemanticFieldModel::Kind::Measures, this))
    , m_dimensions(new SemanticFieldModel(SemanticFieldModel::Kind::Dimensions, this))
    , m_segments(new SemanticFieldModel(SemanticFieldModel::Kind::Segments, this))
    , m_results(new QueryResultModel(this))
    , m_job(new QueryJob(this))
    , m_compileTimer(new QTimer(this))
{
    setObjectName(QStringLiteral("queryPlayground"));
    m_compileTimer->setSingleShot(true);
    m_compileTimer->setInterval(CompileDelayMs);
    connect(m_compileTimer, &QTimer::timeout, this, &QueryPlayground::compile);

    // Top bar: connection, limit, run, cancel.
    m_connection = new QComboBox;
    m_connection->setObjectName(QStringLiteral("playgroundConnection"));
    m_connection->setAccessibleName(tr("Connection"));
    m_connection->setMinimumContentsLength(16);
    connect(m_connection, &QComboBox::currentIndexChanged, this,
            [this] { loadFields(m_connection->currentData().toString()); });
    m_limit = new QSpinBox;
    m_limit->setRange(1, MaxLimit);
    m_limit->setValue(DefaultLimit);
    m_limit->setAccessibleName(tr("Row limit"));
    connect(m_limit, &QSpinBox::valueChanged, this, &QueryPlayground::scheduleCompile);
    m_runButton = new QPushButton(tr("&Run"));
    m_runButton->setObjectName(QStringLiteral("runButton"));
    m_runButton->setToolTip(tr("Run the query read-only (Ctrl+Enter)"));
    connect(m_runButton, &QPushButton::clicked, this, &QueryPlayground::run);
    m_cancelButton = new QPushButton(tr("Ca&ncel"));
    m_cancelButton->setToolTip(tr("Stop the running query (Esc)"));
    connect(m_cancelButton, &QPushButton::clicked, this, &QueryPlayground::cancel);
    auto *runAction = new QAction(this);
    runAction->setShortcuts(
        {QKeySequence(Qt::CTRL | Qt::Key_Return), QKeySequence(Qt::CTRL | Qt::Key_Enter)});
    runAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(runAction, &QAction::triggered, this, &QueryPlayground::run);
    addAction(runAction);
    auto *cancelAction = new QAction(this);
    cancelAction->setShortcut(QKeySequence(Qt::Key_Escape));
    cancelAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(cancelAction, &QAction::triggered, this, &QueryPlayground::cancel);
    addAction(cancelAction);

    auto *top = new QHBoxLayout;
    auto *connectionLabel = new QLabel(tr("C&onnection:"));
    connectionLabel->setBuddy(m_connection);
    auto *limitLabel = new QLabel(tr("&Limit:"));
    limitLabel->setBuddy(m_limit);
    top->addWidget(connectionLabel);
    top->addWidget(m_connection);
    top->addSpacing(12);
    top->addWidget(limitLabel);
    top->addWidget(m_limit);
    top->addStretch(1);
    top->addWidget(m_cancelButton);
    top->addWidget(m_runButton);

    // Left: the pick lists, searchable.
    m_search = new QLineEdit;
    m_search->setObjectName(QStringLiteral("fieldSearch"));
    m_search->setPlaceholderText(tr("Search measures, dimensions, segments…"));
    m_search->setClearButtonEnabled(true);
    m_search->setAccessibleName(tr("Search fields"));
    m_pickTabs = new QTabWidget;
    const auto makeList = [this](SemanticFieldModel *model, const QString &name) {
        auto *proxy = new QSortFilterProxyModel(this);
        proxy->setSourceModel(model);
        proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
        proxy->setFilterRole(SemanticFieldModel::QualifiedNameRole);
        m_proxies << proxy;
        auto *view = new QListView;
        view->setObjectName(name);
        view->setModel(proxy);
        view->setUniformItemSizes(true);
        view->setEditTriggers(QAbstractItemView::NoEditTriggers);
        // Space toggles the current entry, as a click on its box does.
        return view;
    };
    m_measureList = makeList(m_measures, QStringLiteral("measureList"));
    m_dimensionList = makeList(m_dimensions, QStringLiteral("dimensionList"));
    m_segmentList = makeList(m_segments, QStringLiteral("segmentList"));
    m_pickTabs->addTab(m_measureList, tr("&Measures"));
    m_pickTabs->addTab(m_dimensionList, tr("&Dimensions"));
    m_pickTabs->addTab(m_segmentList, tr("Se&gments"));
    connect(m_search, &QLineEdit::textChanged, this, [this](const QString &text) {
        for (QSortFilterProxyModel *proxy : std::as_const(m_proxies))
            proxy->setFilterFixedString(text);
    });
    for (SemanticFieldModel *model : {m_measures, m_dimensions, m_segments}) {
        connect(model, &SemanticFieldModel::checkedChanged, this,
                &QueryPlayground::scheduleCompile);
        connect(model, &SemanticFieldModel::checkedChanged, this,
                &QueryPlayground::updateSelection);
    }
    m_selection = new QLabel;
    m_selection->setObjectName(QStringLiteral("pickedFields"));
    m_selection->setWordWrap(true);
    m_selection->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_granularity = new QComboBox;
    m_granularity->setAccessibleName(tr("Time granularity"));
    for (const QString &g : SemanticFieldModel::granularities())
        m_granularity->addItem(g.isEmpty() ? tr("(none)") : g, g);
    m_granularityLabel = new QLabel(tr("&Granularity:"));
    m_granularityLabel->setBuddy(m_granularity);
    connect(m_dimensionList->selectionModel(), &QItemSelectionModel::currentChanged, this,
            &QueryPlayground::updateGranularity);
    connect(m_granularity, &QComboBox::activated, this, [this] {
        const QModelIndex current = m_dimensionList->currentIndex();
        if (!current.isValid())
            return;
        m_dimensions->setGranularity(current.data(SemanticFieldModel::QualifiedNameRole).toString(),
                                     m_granularity->currentData().toString());
    });

    m_extraMeasures = new QLineEdit;
    m_extraMeasures->setObjectName(QStringLiteral("extraMeasures"));
    m_extraMeasures->setPlaceholderText(tr("sum(orders.amount), …"));
    m_extraMeasures->setAccessibleName(tr("More measures"));
    m_extraDimensions = new QLineEdit;
    m_extraDimensions->setObjectName(QStringLiteral("extraDimensions"));
    m_extraDimensions->setPlaceholderText(tr("orders.ordered_at:month, …"));
    m_extraDimensions->setAccessibleName(tr("More dimensions"));
    m_filters = new QPlainTextEdit;
    m_filters->setObjectName(QStringLiteral("filterEdit"));
    m_filters->setPlaceholderText(tr("One SQL predicate per line, e.g. orders.status = 'paid'"));
    m_filters->setAccessibleName(tr("Filters"));
    m_filters->setTabChangesFocus(true);
    m_filters->setMaximumHeight(90);
    for (QLineEdit *edit : {m_extraMeasures, m_extraDimensions})
        connect(edit, &QLineEdit::textChanged, this, &QueryPlayground::scheduleCompile);
    connect(m_filters, &QPlainTextEdit::textChanged, this, &QueryPlayground::scheduleCompile);

    auto *form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    form->addRow(m_granularityLabel, m_granularity);
    auto *extraMeasuresLabel = new QLabel(tr("More m&easures:"));
    extraMeasuresLabel->setBuddy(m_extraMeasures);
    form->addRow(extraMeasuresLabel, m_extraMeasures);
    auto *extraDimensionsLabel = new QLabel(tr("More d&imensions:"));
    extraDimensionsLabel->setBuddy(m_extraDimensions);
    form->addRow(extraDimensionsLabel, m_extraDimensions);
    auto *filtersLabel = new QLabel(tr("&Filters:"));
    filtersLabel->setBuddy(m_filters);
    form->addRow(filtersLabel, m_filters);

    auto *left = new QWidget;
    auto *leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(m_search);
    leftLayout->addWidget(m_pickTabs, 1);
    leftLayout->addWidget(m_selection);
    leftLayout->addLayout(form);

    // Right: plan (errors, notes, join path, SQL) over results.
    m_errorBanner = banner(QStringLiteral("playgroundError"));
    m_notesLabel = banner(QStringLiteral("playgroundNotes"));
    m_joinLabel = new QLabel;
    m_joinLabel->setObjectName(QStringLiteral("joinPath"));
    m_joinLabel->setWordWrap(true);
    m_joinLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_sql = new CodeEditor;
    m_sql->setObjectName(QStringLiteral("generatedSql"));
    m_sql->setAccessibleName(tr("Generated SQL"));
    m_sql->setReadOnly(true);
    m_sql->setLanguage(SyntaxLanguage::Sql);
    m_sql->setPlaceholderText(tr("Pick at least one measure or dimension to see its SQL."));

    auto *plan = new QWidget;
    auto *planLayout = new QVBoxLayout(plan);
    planLayout->setContentsMargins(0, 0, 0, 0);
    planLayout->addWidget(m_errorBanner);
    planLayout->addWidget(m_notesLabel);
    planLayout->addWidget(m_joinLabel);
    planLayout->addWidget(m_sql, 1);

    m_grid = new QTableView;
    m_grid->setObjectName(QStringLiteral("resultGrid"));
    m_grid->setAccessibleName(tr("Results"));
    m_grid->setModel(m_results);
    m_grid->setAlternatingRowColors(true);
    m_grid->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_grid->verticalHeader()->setDefaultSectionSize(m_grid->fontMetrics().height() + 6);
    m_grid->horizontalHeader()->setStretchLastSection(true);
    m_resultStatus = new QLabel;
    m_resultStatus->setObjectName(QStringLiteral("resultStatus"));
    auto *resultPane = new QWidget;
    auto *resultLayout = new QVBoxLayout(resultPane);
    resultLayout->setContentsMargins(0, 0, 0, 0);
    resultLayout->addWidget(m_grid, 1);
    resultLayout->addWidget(m_resultStatus);
    connect(m_results, &QueryResultModel::rowsShownChanged, this,
            [this] { m_resultStatus->setText(resultSummary()); });

    auto *right = new QSplitter(Qt::Vertical);
    right->addWidget(plan);
    right->addWidget(resultPane);
    right->setStretchFactor(0, 3);
    right->setStretchFactor(1, 2);
    right->setChildrenCollapsible(false);

    auto *split = new QSplitter(Qt::Horizontal);
    split->addWidget(left);
    split->addWidget(right);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 5);
    split->setChildrenCollapsible(false);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(12, 12, 12, 12);
    layout->addLayout(top);
    layout->addWidget(split, 1);

    connect(m_job, &QueryJob::runningChanged, this, [this](bool running) {
        if (running)
            m_clock.start();
        updateRunState();
    });
    connect(m_job, &QueryJob::finished, this, [this](const QueryResult &result) {
        m_results->setResult(result);
        m_elapsedMs = m_clock.isValid() ? m_clock.elapsed() : result.elapsedMs;
        m_resultStatus->setText(resultSummary());
        Q_EMIT resultsShown();
    });
    connect(m_job, &QueryJob::failed, this, [this](const Error &error) {
        m_results->clear();
        showError(tr("The query failed: %1").arg(error.toText()));
        m_resultStatus->setText(tr("Failed"));
        Q_EMIT runFailed(error.toText());
    });
    connect(m_job, &QueryJob::cancelled, this, [this] {
        m_resultStatus->setText(tr("Cancelled"));
        Q_EMIT runCancelled();
    });

    setFocusProxy(m_search);
    updateSelection();
    updateGranularity();
    updateRunState();
}

QueryPlayground::~QueryPlayground() = default;

void QueryPlayground::setProject(const QString &projectDir)
{
    if (projectDir == m_projectDir)
        return;
    clear();
    m_projectDir = projectDir;
    loadConnections();
}

void QueryPlayground::clear()
{
    ++m_connectionsGeneration;
    ++m_fieldsGeneration;
    ++m_compileGeneration;
    m_compilePending = false;
    m_job->cancel();
    m_projectDir.clear();
    m_connectionId.clear();
    m_sources.clear();
    {
        const QSignalBlocker block(m_connection);
        m_connection->clear();
    }
    for (SemanticFieldModel *model : {m_measures, m_dimensions, m_segments})
        model->clear();
    m_results->clear();
    m_elapsedMs = -1;
    m_compiledSql.clear();
    m_error.clear();
    m_notes.clear();
    m_joinPath.clear();
    m_sql->clear();
    showPlanText();
    m_resultStatus->clear();
    updateRunState();
}

void QueryPlayground::loadConnections()
{
    const quint64 generation = ++m_connectionsGeneration;
    auto *watcher = new QFutureWatcher<QStringList>(this);
    connect(watcher, &QFutureWatcher<QStringList>::finished, this, [this, watcher, generation] {
        watcher->deleteLater();
        if (generation != m_connectionsGeneration)
            return;
        const QStringList ids = watcher->result();
        const QSignalBlocker block(m_connection);
        m_connection->clear();
        for (const QString &id : ids)
            m_connection->addItem(id, id);
        int index = m_pendingConnection.isEmpty() ? 0 : m_connection->findData(m_pendingConnection);
        m_pendingConnection.clear();
        if (ids.isEmpty()) {
            showError(tr("This project has no semantic-layer sources yet. Run an ingest to build "
                         "them from a database."));
            Q_EMIT planShown();
            return;
        }
        m_connection->setCurrentIndex(std::max(0, index));
        loadFields(m_connection->currentData().toString());
    });
    watcher->setFuture(
        QtConcurrent::run([dir = m_projectDir] { return SemanticLayerStore(dir).connections(); }));
}

void QueryPlayground::selectConnection(const QString &connectionId)
{
    const int index = m_connection->findData(connectionId);
    if (index < 0) {
        m_pendingConnection = connectionId;
        return;
    }
    m_connection->setCurrentIndex(index);
}

QString QueryPlayground::currentConnection() const
{
    return m_connectionId;
}

void QueryPlayground::loadFields(const QString &connectionId)
{
    if (connectionId.isEmpty() || m_projectDir.isEmpty())
        return;
    const quint64 generation = ++m_fieldsGeneration;
    m_job->cancel();
    auto *watcher = new QFutureWatcher<FieldsOutcome>(this);
    connect(watcher, &QFutureWatcher<FieldsOutcome>::finished, this,
            [this, watcher, generation, connectionId] {
                watcher->deleteLater();
                if (generation != m_fieldsGeneration)
                    return;
                const FieldsOutcome outcome = watcher->result();
                m_connectionId = connectionId;
                m_sources = outcome.sources;
                m_driver = outcome.driver;
                m_predefinedOnly = outcome.predefinedOnly;
                for (SemanticFieldModel *model : {m_measures, m_dimensions, m_segments}) {
                    const QSignalBlocker block(model);
                    model->uncheckAll();
                }
                for (SemanticFieldModel *model : {m_measures, m_dimensions, m_segments})
                    model->setSources(m_sources);
                m_results->clear();
                m_resultStatus->clear();
                updateCompleters();
                updateGranularity();
                if (!outcome.error.isEmpty()) {
                    m_compiledSql.clear();
                    m_sql->clear();
                    showError(outcome.error);
                }
                Q_EMIT fieldsShown(connectionId);
                if (outcome.error.isEmpty())
                    compile();
            });
    watcher->setFuture(QtConcurrent::run(loadFieldsJob, m_projectDir, connectionId));
}

void QueryPlayground::updateCompleters()
{
    QStringList measures, dimensions;
    for (int i = 0; i < m_measures->rowCount(); ++i)
        measures << m_measures->index(i).data(SemanticFieldModel::QualifiedNameRole).toString();
    for (int i = 0; i < m_dimensions->rowCount(); ++i)
        dimensions << m_dimensions->index(i).data(SemanticFieldModel::QualifiedNameRole).toString();
    for (const auto &[edit, words] :
         {std::pair {m_extraMeasures, measures}, std::pair {m_extraDimensions, dimensions}}) {
        auto *completer = new QCompleter(words, edit);
        completer->setCaseSensitivity(Qt::CaseInsensitive);
        completer->setFilterMode(Qt::MatchContains);
        delete edit->completer();
        edit->setCompleter(completer);
    }
}

void QueryPlayground::updateSelection()
{
    const QStringList measures = m_measures->checkedNames();
    QStringList dimensions;
    for (const QueryDimension &d : m_dimensions->checkedDimensions())
        dimensions << (d.granularity.isEmpty()
                           ? d.field
                           : QString(d.field + QLatin1Char(':') + d.granularity));
    const QStringList segments = m_segments->checkedNames();
    m_pickTabs->setTabText(
        0, measures.isEmpty() ? tr("&Measures") : tr("&Measures (%1)").arg(measures.size()));
    m_pickTabs->setTabText(1,
                           dimensions.isEmpty() ? tr("&Dimensions")
                                                : tr("&Dimensions (%1)").arg(dimensions.size()));
    m_pickTabs->setTabText(
        2, segments.isEmpty() ? tr("Se&gments") : tr("Se&gments (%1)").arg(segments.size()));
    if (measures.isEmpty() && dimensions.isEmpty() && segments.isEmpty()) {
        m_selection->setText(tr("Nothing picked yet: check measures and dimensions above."));
        return;
    }
    QString html;
    const auto line = [&html](const QString &label, const QStringList &names) {
        if (names.isEmpty())
            return;
        if (!html.isEmpty())
            html += QStringLiteral("<br>");
        html += QStringLiteral("<b>%1</b> %2")
                    .arg(label.toHtmlEscaped(), names.join(QStringLiteral(", ")).toHtmlEscaped());
    };
    line(tr("Measures:"), measures);
    line(tr("By:"), dimensions);
    line(tr("Segments:"), segments);
    m_selection->setText(html);
}

void QueryPlayground::updateGranularity()
{
    const QModelIndex current = m_dimensionList->currentIndex();
    const bool isTime = current.isValid() && current.data(SemanticFieldModel::IsTimeRole).toBool();
    m_granularity->setEnabled(isTime);
    m_granularityLabel->setEnabled(isTime);
    const int index = m_granularity->findData(
        isTime ? current.data(SemanticFieldModel::GranularityRole) : QVariant(QString()));
    m_granularity->setCurrentIndex(std::max(0, index));
    m_granularity->setToolTip(isTime ? tr("Truncate the selected time dimension")
                                     : tr("Select a time dimension to choose its granularity"));
}

void QueryPlayground::scheduleCompile()
{
    if (!m_connectionId.isEmpty())
        m_compileTimer->start();
}

void QueryPlayground::compile()
{
    m_compileTimer->stop();
    if (m_connectionId.isEmpty() || m_driver.isEmpty())
        return;
    SemanticQuery query;
    for (const QString &m : m_measures->checkedNames())
        query.measures << QueryMeasure {m, {}, false};
    for (const QString &m : splitList(m_extraMeasures->text()))
        query.measures << QueryMeasure {m, {}, false};
    query.dimensions = m_dimensions->checkedDimensions();
    static const QStringList grains = SemanticFieldModel::granularities();
    for (const QString &d : splitList(m_extraDimensions->text())) {
        const QString tail = d.section(QLatin1Char(':'), -1).toLower();
        if (d.contains(QLatin1Char(':')) && grains.contains(tail))
            query.dimensions << QueryDimension {d.section(QLatin1Char(':'), 0, -2), tail};
        else
            query.dimensions << QueryDimension {d, {}};
    }
    for (const QString &line : m_filters->toPlainText().split(QLatin1Char('\n'))) {
        if (!line.trimmed().isEmpty())
            query.filters << line.trimmed();
    }
    query.segments = m_segments->checkedNames();
    query.limit = m_limit->value();
    query.includeEmpty = false;
    query.predefinedMeasuresOnly = m_predefinedOnly;

    const quint64 generation = ++m_compileGeneration;
    m_compilePending = false;
    if (query.measures.isEmpty() && query.dimensions.isEmpty()) {
        m_compiledSql.clear();
        m_error.clear();
        m_notes.clear();
        m_joinPath.clear();
        m_sql->clear();
        showPlanText();
        updateRunState();
        Q_EMIT planShown();
        return;
    }
    m_compilePending = true;
    auto *watcher = new QFutureWatcher<CompileOutcome>(this);
    connect(watcher, &QFutureWatcher<CompileOutcome>::finished, this, [this, watcher, generation] {
        watcher->deleteLater();
        if (generation != m_compileGeneration)
            return;
        m_compilePending = false;
        const CompileOutcome outcome = watcher->result();
        if (!outcome.ok) {
            m_compiledSql.clear();
            m_notes.clear();
            m_joinPath.clear();
            m_sql->clear();
            showError(outcome.error);
        } else {
            m_error.clear();
            m_compiledSql = outcome.sql;
            m_notes = outcome.notes;
            m_joinPath = outcome.joinPath;
            m_sql->setPlainText(outcome.sql);
            showPlanText();
        }
        updateRunState();
        Q_EMIT planShown();
    });
    watcher->setFuture(QtConcurrent::run(compileJob, m_sources, query, m_driver));
}

void QueryPlayground::showError(const QString &text)
{
    m_error = text;
    showPlanText();
}

void QueryPlayground::showPlanText()
{
    m_errorBanner->setVisible(!m_error.isEmpty());
    m_errorBanner->setText(m_error);
    tint(m_errorBanner, ReadinessState::Fail);
    m_notesLabel->setVisible(!m_notes.isEmpty());
    m_notesLabel->setText(m_notes.join(QLatin1Char('\n')));
    tint(m_notesLabel, ReadinessState::Warn);
    if (m_joinPath.isEmpty()) {
        m_joinLabel->clear();
        m_joinLabel->hide();
    } else {
        QString html = QStringLiteral("<b>%1</b>").arg(tr("Join path").toHtmlEscaped());
        for (const QString &edge : m_joinPath)
            html += QStringLiteral("<br>&nbsp;&nbsp;%1").arg(edge.toHtmlEscaped());
        m_joinLabel->setText(html);
        m_joinLabel->show();
    }
}

QString QueryPlayground::errorText() const
{
    return m_error;
}

QString QueryPlayground::resultSummary() const
{
    const int total = m_results->totalRowCount();
    QString text = (total == 1 ? tr("1 row") : tr("%1 rows").arg(total));
    if (m_results->isTruncated())
        text += tr(" (limit reached; more rows exist)");
    if (m_elapsedMs >= 0)
        text += tr(" · %1 ms").arg(m_elapsedMs);
    return text;
}

bool QueryPlayground::isRunning() const
{
    return m_job->isRunning();
}

void QueryPlayground::run()
{
    // Compile what is on screen first if an edit is still waiting.
    if (m_compileTimer->isActive() || m_compilePending) {
        connect(this, &QueryPlayground::planShown, this, &QueryPlayground::run,
                Qt::SingleShotConnection);
        if (m_compileTimer->isActive())
            compile();
        return;
    }
    if (m_compiledSql.isEmpty() || m_job->isRunning())
        return;
    m_elapsedMs = -1;
    m_resultStatus->setText(tr("Running…"));
    m_job->startForConnection(m_projectDir, m_connectionId, m_compiledSql, m_limit->value());
}

void QueryPlayground::cancel()
{
    if (m_job->isRunning()) {
        m_resultStatus->setText(tr("Cancelling…"));
        m_job->cancel();
    }
}

void QueryPlayground::updateRunState()
{
    const bool running = m_job->isRunning();
    m_runButton->setEnabled(!running && !m_compiledSql.isEmpty());
    m_cancelButton->setEnabled(running);
}

} // namespace ktx
