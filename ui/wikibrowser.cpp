#include "wikibrowser.h"

#include "codeeditor.h"
#include "colorscheme.h"
#include "highlight/syntaxhighlighting.h"
#include "models/wikipagelistmodel.h"
#include "project/configloader.h"
#include "project/projectconfig.h"
#include "search/searchindex.h"
#include "semantic/semanticlayerstore.h"
#include "wiki/wikistore.h"

#include <QAction>
#include <QComboBox>
#include <QCompleter>
#include <QDir>
#include <QFormLayout>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QPushButton>
#include <QSplitter>
#include <QTabWidget>
#include <QTextBrowser>
#include <QTimer>
#include <QUrl>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace ktx {

namespace {

constexpr int SearchDelayMs = 250;
constexpr int SearchLimit = 50;

struct ListOutcome
{
    QList<WikiPageListModel::Entry> entries;
    QStringList sourceNames; // for the sl_refs completer
    QString status;
    QString error;
};

QStringList sourceNames(const QString &projectDir)
{
    QStringList names;
    const SemanticLayerStore store(projectDir);
    for (const QString &id : store.connections()) {
        for (const SemanticSource &s : store.load(id).sources)
            names << s.name;
    }
    names.removeDuplicates();
    names.sort();
    return names;
}

ListOutcome listPages(const QString &projectDir)
{
    ListOutcome outcome;
    const WikiStore store(projectDir);
    const WikiStore::Listing listing = store.list(WikiBrowser::defaultUserId());
    for (const WikiPage &page : listing.pages)
        outcome.entries.append({page, {}});
    for (const Error &e : listing.issues)
        outcome.error += e.toText() + QLatin1Char('\n');
    outcome.sourceNames = sourceNames(projectDir);
    return outcome;
}

ListOutcome searchPages(const QString &projectDir, const QString &query)
{
    ListOutcome outcome;
    SearchIndex::Options options;
    Result<LoadedConfig> loaded
        = ConfigLoader::loadFile(QDir(projectDir).filePath(QStringLiteral("ktx.yaml")));
    if (loaded.ok())
        options = SearchIndex::Options::fromConfig(loaded->config, projectDir);
    const SearchIndex index(projectDir, options);
    // Incremental: only files whose size, time or hash changed are read again.
    Result<SearchIndex::SyncStats> synced = index.sync();
    if (!synced.ok()) {
        outcome.error = synced.error().toText();
        return outcome;
    }
    SearchRequest request;
    request.query = query;
    request.limit = SearchLimit;
    request.kinds = {QStringLiteral("wiki")};
    request.userId = WikiBrowser::defaultUserId();
    Result<SearchResponse> response = index.search(request);
    if (!response.ok()) {
        outcome.error = response.error().toText();
        return outcome;
    }
    const WikiStore store(projectDir);
    for (const SearchHit &hit : response->hits) {
        WikiStore::Location location;
        location.key = hit.document.id;
        location.scope
            = hit.document.scope == QLatin1String("USER") ? WikiScope::User : WikiScope::Global;
        location.userId = hit.document.userId;
        Result<WikiPage> page = store.read(location);
        if (page.ok())
            outcome.entries.append({*page, hit.snippet});
    }
    return outcome;
}

QStringList splitList(const QString &text)
{
    QStringList out;
    for (const QString &part : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        if (!part.trimmed().isEmpty())
            out << part.trimmed();
    }
    return out;
}

QCompleter *listCompleter(const QStringList &words, QObject *parent)
{
    auto *completer = new QCompleter(words, parent);
    completer->setCaseSensitivity(Qt::CaseInsensitive);
    completer->setFilterMode(Qt::MatchContains);
    return completer;
}

} // namespace

WikiBrowser::WikiBrowser(QWidget *parent)
    : QWidget(parent)
    , m_pages(new WikiPageListModel(this))
    , m_searchTimer(new QTimer(this))
    , m_search(new QLineEdit)
    , m_list(new QListView)
    , m_listStatus(new QLabel)
    , m_newButton(new QPushButton(tr("&New Page…")))
    , m_tabs(new QTabWidget)
    , m_header(new QLabel)
    , m_read(new QTextBrowser)
    , m_errorBanner(new QLabel)
    , m_summary(new QLineEdit)
    , m_tags(new QLineEdit)
    , m_refs(new QLineEdit)
    , m_slRefs(new QLineEdit)
    , m_usageMode(new QComboBox)
    , m_body(new CodeEditor)
    , m_saveButton(new QPushButton(tr("&Save")))
    , m_revertButton(new QPushButton(tr("Re&vert")))
    , m_editStatus(new QLabel)
{
    setObjectName(QStringLiteral("wikiBrowser"));
    m_searchTimer->setSingleShot(true);
    m_searchTimer->setInterval(SearchDelayMs);
    connect(m_searchTimer, &QTimer::timeout, this, &WikiBrowser::search);

    m_search->setObjectName(QStringLiteral("wikiSearch"));
    m_search->setPlaceholderText(tr("Search the wiki…"));
    m_search->setClearButtonEnabled(true);
    m_search->setAccessibleName(tr("Search the wiki"));
    connect(m_search, &QLineEdit::textChanged, m_searchTimer, qOverload<>(&QTimer::start));
    connect(m_search, &QLineEdit::returnPressed, this, &WikiBrowser::search);

    m_list->setObjectName(QStringLiteral("wikiPages"));
    m_list->setAccessibleName(tr("Pages"));
    m_list->setModel(m_pages);
    m_list->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_list->setUniformItemSizes(true);
    connect(m_list->selectionModel(), &QItemSelectionModel::currentChanged, this,
            [this](const QModelIndex &current) {
                if (const WikiPage *page = m_pages->page(current.row()))
                    showPage(*page);
            });
    m_listStatus->setForegroundRole(QPalette::PlaceholderText);
    m_listStatus->setWordWrap(true);
    connect(m_newButton, &QPushButton::clicked, this, [this] {
        bool ok = false;
        const QString key = QInputDialog::getText(
            this, tr("New Wiki Page"),
            tr("Key (letters, digits, _, - or .; it becomes wiki/global/<key>.md):"),
            QLineEdit::Normal, QString(), &ok);
        if (ok && !key.trimmed().isEmpty())
            newPage(key.trimmed());
    });

    auto *left = new QWidget;
    auto *leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(m_search);
    leftLayout->addWidget(m_list, 1);
    leftLayout->addWidget(m_listStatus);
    leftLayout->addWidget(m_newButton);

    // Reader: the front-matter as a header, the body rendered from Markdown.
    m_header->setObjectName(QStringLiteral("wikiHeader"));
    m_header->setWordWrap(true);
    m_header->setContentsMargins(4, 4, 4, 8);
    m_read->setObjectName(QStringLiteral("wikiRendered"));
    m_read->setAccessibleName(tr("Page"));
    m_read->setOpenLinks(false);
    m_read->setPlaceholderText(tr("Select a page to read it."));
    // [[key]] links and the header's refs open the page they name.
    connect(m_read, &QTextBrowser::anchorClicked, this, &WikiBrowser::followLink);
    m_header->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::LinksAccessibleByMouse
                                      | Qt::LinksAccessibleByKeyboard);
    connect(m_header, &QLabel::linkActivated, this,
            [this](const QString &link) { followLink(QUrl(link)); });
    auto *reader = new QWidget;
    auto *readerLayout = new QVBoxLayout(reader);
    readerLayout->setContentsMargins(0, 0, 0, 0);
    readerLayout->addWidget(m_header);
    readerLayout->addWidget(m_read, 1);

    // Editor: a form for the front-matter, Markdown for the body.
    m_errorBanner->setObjectName(QStringLiteral("wikiError"));
    m_errorBanner->setWordWrap(true);
    m_errorBanner->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_errorBanner->setAutoFillBackground(true);
    m_errorBanner->setContentsMargins(8, 6, 8, 6);
    m_errorBanner->hide();
    m_summary->setObjectName(QStringLiteral("wikiSummary"));
    m_summary->setPlaceholderText(tr("One line: what this page answers (required)"));
    m_tags->setObjectName(QStringLiteral("wikiTags"));
    m_tags->setPlaceholderText(tr("refunds, returns, …"));
    m_refs->setObjectName(QStringLiteral("wikiRefs"));
    m_refs->setPlaceholderText(tr("Other pages by key, comma-separated"));
    m_slRefs->setObjectName(QStringLiteral("wikiSlRefs"));
    m_slRefs->setPlaceholderText(tr("Semantic sources, comma-separated"));
    m_usageMode->setObjectName(QStringLiteral("wikiUsageMode"));
    m_usageMode->addItem(tr("(not set)"), QString());
    for (const QString &mode : WikiPage::usageModes())
        m_usageMode->addItem(mode, mode);
    m_body->setObjectName(QStringLiteral("wikiBody"));
    m_body->setAccessibleName(tr("Page body (Markdown)"));
    m_body->setLanguage(SyntaxLanguage::Markdown);
    m_body->setLineWrapMode(QPlainTextEdit::WidgetWidth);
    m_editStatus->setObjectName(QStringLiteral("wikiEditStatus"));

    auto *form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    const auto addRow = [form](const QString &label, QWidget *field) {
        auto *l = new QLabel(label);
        l->setBuddy(field);
        form->addRow(l, field);
    };
    addRow(tr("S&ummary:"), m_summary);
    addRow(tr("&Tags:"), m_tags);
    addRow(tr("&Refs:"), m_refs);
    addRow(tr("S&L refs:"), m_slRefs);
    addRow(tr("Usage &mode:"), m_usageMode);

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_editStatus, 1);
    buttons->addWidget(m_revertButton);
    buttons->addWidget(m_saveButton);
    auto *editor = new QWidget;
    auto *editorLayout = new QVBoxLayout(editor);
    editorLayout->setContentsMargins(0, 0, 0, 0);
    editorLayout->addWidget(m_errorBanner);
    editorLayout->addLayout(form);
    editorLayout->addWidget(m_body, 1);
    editorLayout->addLayout(buttons);

    m_tabs->addTab(reader, tr("Rea&d"));
    m_tabs->addTab(editor, tr("&Edit"));

    auto *split = new QSplitter(Qt::Horizontal);
    split->addWidget(left);
    split->addWidget(m_tabs);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 3);
    split->setChildrenCollapsible(false);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(12, 12, 12, 12);
    layout->addWidget(split);

    auto *saveAction = new QAction(this);
    saveAction->setShortcut(QKeySequence::Save);
    saveAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(saveAction, &QAction::triggered, this, &WikiBrowser::save);
    addAction(saveAction);
    connect(m_saveButton, &QPushButton::clicked, this, &WikiBrowser::save);
    connect(m_revertButton, &QPushButton::clicked, this, &WikiBrowser::revert);
    for (QLineEdit *edit : {m_summary, m_tags, m_refs, m_slRefs})
        connect(edit, &QLineEdit::textEdited, this, [this] { setDirty(true); });
    connect(m_usageMode, &QComboBox::activated, this, [this] { setDirty(true); });
    connect(m_body, &QPlainTextEdit::textChanged, this, [this] {
        if (!m_filling)
            setDirty(true);
    });

    setFocusProxy(m_search);
    setDirty(false);
}

WikiBrowser::~WikiBrowser() = default;

void WikiBrowser::setProject(const QString &projectDir)
{
    if (projectDir == m_projectDir)
        return;
    clear();
    m_projectDir = projectDir;
    loadAll();
}

void WikiBrowser::clear()
{
    ++m_listGeneration;
    m_projectDir.clear();
    m_pages->clear();
    m_current.reset();
    m_isNew = false;
    m_header->clear();
    m_read->clear();
    m_filling = true;
    for (QLineEdit *edit : {m_summary, m_tags, m_refs, m_slRefs})
        edit->clear();
    m_body->clear();
    m_filling = false;
    showError({});
    setDirty(false);
}

void WikiBrowser::loadAll()
{
    if (m_projectDir.isEmpty())
        return;
    const quint64 generation = ++m_listGeneration;
    auto *watcher = new QFutureWatcher<ListOutcome>(this);
    connect(watcher, &QFutureWatcher<ListOutcome>::finished, this, [this, watcher, generation] {
        watcher->deleteLater();
        if (generation != m_listGeneration)
            return;
        const ListOutcome outcome = watcher->result();
        m_pages->setEntries(outcome.entries);
        QStringList keys;
        for (const auto &e : outcome.entries)
            keys << e.page.key;
        delete m_refs->completer();
        m_refs->setCompleter(listCompleter(keys, m_refs));
        delete m_slRefs->completer();
        m_slRefs->setCompleter(listCompleter(outcome.sourceNames, m_slRefs));
        m_listStatus->setText(outcome.entries.isEmpty()
                                  ? tr("No wiki pages yet. Create one with New Page.")
                                  : (outcome.entries.size() == 1
                                         ? tr("1 page")
                                         : tr("%1 pages").arg(outcome.entries.size())));
        if (!outcome.error.isEmpty())
            m_listStatus->setText(tr("Some pages could not be read:\n%1").arg(outcome.error));
        Q_EMIT pagesShown();
    });
    watcher->setFuture(QtConcurrent::run(listPages, m_projectDir));
}

void WikiBrowser::search()
{
    m_searchTimer->stop();
    if (m_projectDir.isEmpty())
        return;
    const QString query = m_search->text().trimmed();
    if (query.isEmpty()) {
        loadAll();
        return;
    }
    const quint64 generation = ++m_listGeneration;
    m_listStatus->setText(tr("Searching…"));
    auto *watcher = new QFutureWatcher<ListOutcome>(this);
    connect(watcher, &QFutureWatcher<ListOutcome>::finished, this,
            [this, watcher, generation, query] {
                watcher->deleteLater();
                if (generation != m_listGeneration)
                    return;
                const ListOutcome outcome = watcher->result();
                m_pages->setEntries(outcome.entries);
                if (!outcome.error.isEmpty())
                    m_listStatus->setText(tr("Search failed: %1").arg(outcome.error));
                else if (outcome.entries.isEmpty())
                    m_listStatus->setText(tr("No page matches “%1”.").arg(query));
                else
                    m_listStatus->setText(
                        outcome.entries.size() == 1
                            ? tr("1 page matches “%1”.").arg(query)
                            : tr("%1 pages match “%2”.").arg(outcome.entries.size()).arg(query));
                Q_EMIT pagesShown();
            });
    watcher->setFuture(QtConcurrent::run(searchPages, m_projectDir, query));
}

QString WikiBrowser::currentKey() const
{
    return m_current ? m_current->key : QString();
}

bool WikiBrowser::openPage(const QString &key)
{
    for (int row = 0; row < m_pages->rowCount(); ++row) {
        if (m_pages->index(row).data(WikiPageListModel::KeyRole).toString() == key) {
            m_list->setCurrentIndex(m_pages->index(row));
            return true;
        }
    }
    return false;
}

void WikiBrowser::followLink(const QUrl &url)
{
    if (url.scheme() != QLatin1String(LinkScheme))
        return;
    const QString key = url.path();
    if (openPage(key))
        return;
    // Not listed: hidden by a search, or written after the list was read.
    m_search->clear();
    m_searchTimer->stop();
    connect(
        this, &WikiBrowser::pagesShown, this,
        [this, key] {
            if (!openPage(key))
                m_listStatus->setText(tr("There is no page \"%1\".").arg(key));
        },
        Qt::SingleShotConnection);
    loadAll();
}

void WikiBrowser::newPage(const QString &key)
{
    WikiPage page;
    page.key = key;
    page.scope = WikiScope::Global;
    page.body = QStringLiteral("# %1\n\n").arg(key);
    m_current = page;
    m_isNew = true;
    m_list->clearSelection();
    m_header->setText(tr("<b>%1</b> — new page, not saved yet").arg(key.toHtmlEscaped()));
    m_read->clear();
    fillEditor(page);
    setDirty(true);
    showEditor();
    m_summary->setFocus();
}

void WikiBrowser::showEditor()
{
    m_tabs->setCurrentIndex(1);
}

void WikiBrowser::showReader()
{
    m_tabs->setCurrentIndex(0);
}

void WikiBrowser::showPage(const WikiPage &page)
{
    m_current = page;
    m_isNew = false;
    QString header
        = QStringLiteral("<b style='font-size:large'>%1</b>").arg(page.key.toHtmlEscaped());
    if (!page.summary.isEmpty())
        header += QStringLiteral("<br>%1").arg(page.summary.toHtmlEscaped());
    const auto line = [&header](const QString &label, const QStringList &values) {
        if (!values.isEmpty())
            header += QStringLiteral("<br><b>%1</b> %2")
                          .arg(label.toHtmlEscaped(),
                               values.join(QStringLiteral(", ")).toHtmlEscaped());
    };
    line(tr("Tags:"), page.tags);
    if (!page.refs.isEmpty()) {
        QStringList links;
        for (const QString &ref : page.refs)
            links << QStringLiteral("<a href=\"%1:%2\">%3</a>")
                         .arg(QLatin1String(LinkScheme),
                              QString::fromLatin1(QUrl::toPercentEncoding(ref)),
                              ref.toHtmlEscaped());
        header += QStringLiteral("<br><b>%1</b> %2")
                      .arg(tr("Refs:").toHtmlEscaped(), links.join(QStringLiteral(", ")));
    }
    line(tr("Semantic sources:"), page.slRefs);
    if (!page.usageMode.isEmpty())
        line(tr("Usage:"), {page.usageMode});
    line(tr("File:"), {page.relativePath()});
    m_header->setText(header);
    m_read->setMarkdown(page.bodyWithLinks(QLatin1String(LinkScheme)));
    m_read->moveCursor(QTextCursor::Start);
    m_read->ensureCursorVisible();
    fillEditor(page);
    setDirty(false);
    showError({});
    Q_EMIT pageShown(page.key);
}

void WikiBrowser::fillEditor(const WikiPage &page)
{
    m_filling = true;
    m_summary->setText(page.summary);
    m_tags->setText(page.tags.join(QStringLiteral(", ")));
    m_refs->setText(page.refs.join(QStringLiteral(", ")));
    m_slRefs->setText(page.slRefs.join(QStringLiteral(", ")));
    m_usageMode->setCurrentIndex(std::max(0, m_usageMode->findData(page.usageMode)));
    m_body->setPlainText(page.body);
    // Long values read from their start, not their end.
    for (QLineEdit *edit : {m_summary, m_tags, m_refs, m_slRefs})
        edit->setCursorPosition(0);
    m_filling = false;
}

WikiPage WikiBrowser::pageFromEditor() const
{
    // Start from the page as read, so keys the form does not show survive.
    WikiPage page = m_current.value_or(WikiPage {});
    page.summary = m_summary->text().trimmed();
    page.tags = splitList(m_tags->text());
    page.refs = splitList(m_refs->text());
    page.slRefs = splitList(m_slRefs->text());
    page.usageMode = m_usageMode->currentData().toString();
    page.body = m_body->toPlainText();
    for (const QString &key :
         {QStringLiteral("tags"), QStringLiteral("refs"), QStringLiteral("sl_refs")}) {
        const QStringList &values = key == QLatin1String("tags")
            ? page.tags
            : (key == QLatin1String("refs") ? page.refs : page.slRefs);
        if (!values.isEmpty())
            page.declaredKeys.insert(key);
    }
    if (!page.usageMode.isEmpty())
        page.declaredKeys.insert(QStringLiteral("usage_mode"));
    else
        page.declaredKeys.remove(QStringLiteral("usage_mode"));
    page.declaredKeys.insert(QStringLiteral("summary"));
    return page;
}

void WikiBrowser::save()
{
    if (!m_current || m_saving || m_projectDir.isEmpty())
        return;
    const WikiPage page = pageFromEditor();
    m_saving = true;
    m_editStatus->setText(tr("Saving…"));
    auto *watcher = new QFutureWatcher<Result<QString>>(this);
    const QString projectDir = m_projectDir;
    connect(watcher, &QFutureWatcher<Result<QString>>::finished, this, [this, watcher, page] {
        watcher->deleteLater();
        m_saving = false;
        const Result<QString> written = watcher->result();
        if (!written.ok()) {
            QString text = written.error().message;
            if (!written.error().hint.isEmpty())
                text += QLatin1Char('\n') + written.error().hint;
            showError(text);
            // The message belongs next to the form it is about.
            showEditor();
            m_editStatus->setText(tr("Not saved"));
            Q_EMIT saveFailed(written.error().message);
            return;
        }
        m_isNew = false;
        m_pages->updatePage(page);
        const int row = m_pages->rowOf(page.scopedKey());
        if (row >= 0 && m_list->currentIndex().row() != row) {
            const QSignalBlocker block(m_list->selectionModel());
            m_list->setCurrentIndex(m_pages->index(row));
        }
        showPage(page);
        showEditor();
        m_editStatus->setText(tr("Saved"));
        Q_EMIT pageSaved(page.key);
    });
    watcher->setFuture(
        QtConcurrent::run([projectDir, page] { return WikiStore(projectDir).write(page); }));
}

void WikiBrowser::revert()
{
    if (!m_current)
        return;
    fillEditor(*m_current);
    setDirty(m_isNew);
    showError({});
}

void WikiBrowser::setDirty(bool dirty)
{
    m_dirty = dirty;
    m_saveButton->setEnabled(m_current.has_value());
    m_revertButton->setEnabled(dirty && m_current.has_value());
    if (dirty)
        m_editStatus->setText(tr("Modified"));
    else if (!m_saving && m_editStatus->text() != tr("Saved"))
        m_editStatus->clear();
}

void WikiBrowser::showError(const QString &text)
{
    m_error = text;
    m_errorBanner->setText(text);
    m_errorBanner->setVisible(!text.isEmpty());
    QPalette pal = m_errorBanner->palette();
    pal.setColor(QPalette::Window, ColorScheme::stateTint(ReadinessState::Fail, palette(), 0.16));
    pal.setColor(QPalette::WindowText, palette().color(QPalette::Text));
    m_errorBanner->setPalette(pal);
}

} // namespace ktx
