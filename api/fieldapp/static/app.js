/* The field app: a caring mother's or a teacher's children, contacts and concerns, on a phone.
   It talks to the API (/api/v1) with the bearer token it keeps in IndexedDB. Every contact
   or concern is first put in the outbox (IndexedDB) with its own Idempotency-Key, then sent;
   without network it waits there and is sent when the network returns, so a retry or a
   double tap records nothing twice. A refusal (4xx) stays with the rule's message until the
   user changes or deletes it. Nothing here writes HTML from data: text goes in textContent. */
'use strict';

(() => {
  const API = '/api/v1';
  const DUTY_STATE = {met: '已完成', due: '待完成', overdue: '已逾期'};
  const SEX = {male: '男', female: '女'};
  const state = {session: null, work: null, fetchedAt: null, outbox: [], sending: false,
                 saving: false, again: false, lastError: '', notField: false};
  let dbPromise = null;

  // -- storage (IndexedDB, through idb) -------------------------------------------------------
  function db() {
    dbPromise = dbPromise || idb.openDB('aixin-app', 1, {upgrade(d) {
      d.createObjectStore('session');
      d.createObjectStore('work');
      d.createObjectStore('outbox', {keyPath: 'key'});
    }});
    return dbPromise;
  }
  async function loadStored() {
    const d = await db();
    state.session = (await d.get('session', 'current')) || null;
    const kept = await d.get('work', 'current');
    if (kept && state.session && kept.username === state.session.username) {
      state.work = kept.work;
      state.fetchedAt = kept.fetchedAt;
    }
    state.outbox = (await d.getAll('outbox')).sort((a, b) => a.created.localeCompare(b.created));
  }
  async function putItem(item) { await (await db()).put('outbox', item); await reloadOutbox(); }
  async function dropItem(key) { await (await db()).delete('outbox', key); await reloadOutbox(); }
  async function reloadOutbox() {
    state.outbox = (await (await db()).getAll('outbox'))
      .sort((a, b) => a.created.localeCompare(b.created));
    showBands();
  }

  // -- small helpers -----------------------------------------------------------------------------
  function h(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === false || value === null || value === undefined) continue;
      if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
      else if (name === 'text') node.textContent = value;
      else node.setAttribute(name, value === true ? '' : value);
    }
    for (const child of children.flat()) {
      if (child !== null && child !== undefined && child !== false) {
        node.append(child instanceof Node ? child : document.createTextNode(String(child)));
      }
    }
    return node;
  }
  function newKey() {
    if (crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    const x = [...b].map((v) => v.toString(16).padStart(2, '0')).join('');
    return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
  }
  function today() {
    const zone = (state.work && state.work.timezone) || 'Asia/Shanghai';
    return new Intl.DateTimeFormat('en-CA', {timeZone: zone, year: 'numeric', month: '2-digit',
                                             day: '2-digit'}).format(new Date());
  }
  function when(instant) {
    // An instant in the programme's time zone, labelled (北京时间 for Asia/Shanghai).
    const zone = (state.work && state.work.timezone) || 'Asia/Shanghai';
    const parts = new Intl.DateTimeFormat('en-CA', {timeZone: zone, year: 'numeric', month: '2-digit',
      day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23'}).format(new Date(instant));
    return `${parts.replace(',', '')}（${zone === 'Asia/Shanghai' ? '北京时间' : zone}）`;
  }
  function title(list, code) {
    const found = (list || []).find((each) => each.code === code);
    return found ? found.title : code;
  }
  function childById(id) { return ((state.work && state.work.children) || []).find((c) => c.id === id); }
  function inChinese(message) {
    // The API's messages say the rule in Chinese, then its code and English in brackets;
    // a person on the phone reads the Chinese (a message with no Chinese is kept whole).
    const chinese = message.replace(/^[a-z_.]+:\s*/, '').replace(/（[^（）]*[A-Za-z]{3}[^（）]*）$/, '');
    return /[\u4e00-\u9fff]/.test(chinese) ? chinese : message;
  }
  function detailOf(body, status) {
    const detail = body && body.detail;
    if (typeof detail === 'string') return inChinese(detail);
    if (Array.isArray(detail)) return detail.map((d) => inChinese(d.msg || String(d))).join('；');
    return `服务器拒绝了这条记录（${status}）`;
  }
  let toastTimer = null;
  function toast(text) {
    const node = document.getElementById('toast');
    node.textContent = text;
    node.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => { node.hidden = true; }, 6000);
  }

  // -- the API -------------------------------------------------------------------------------
  async function call(method, path, body, key) {
    const headers = {Authorization: `Bearer ${state.session.token}`};
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (key) headers['Idempotency-Key'] = key;
    return fetch(API + path, {method, headers, credentials: 'same-origin', cache: 'no-store',
                              body: body === undefined ? undefined : JSON.stringify(body)});
  }
  async function logIn(username, password) {
    const form = new URLSearchParams({username, password});
    let response;
    try {
      response = await fetch(`${API}/auth/token`, {method: 'POST', body: form});
    } catch (e) {
      return '无法连接服务器，请检查网络后再试';
    }
    if (response.status === 401) return '用户名或密码错误';
    if (response.status === 429) return '登录失败次数过多，请稍后再试';
    if (!response.ok) return `登录失败（${response.status}），请稍后再试`;
    const token = (await response.json()).access_token;
    const previous = state.session && state.session.username;
    state.session = {token, username};
    if (previous && previous !== username) await forgetEverything();
    await (await db()).put('session', state.session, 'current');
    return '';
  }
  async function loadWork() {
    if (!state.session || !navigator.onLine) return;  // offline: the kept copy stays
    let response;
    try {
      response = await call('GET', '/me/work');
    } catch (e) {
      return;  // no network: the kept copy stays
    }
    if (response.status === 401) { expired(); return; }
    if (response.status === 403) { state.notField = true; render(); return; }  // staff
    if (!response.ok) {
      const body = await response.json().catch(() => null);
      state.lastError = detailOf(body, response.status);
      render();
      return;
    }
    state.work = await response.json();
    state.notField = false;
    state.fetchedAt = new Date().toISOString();
    state.lastError = '';
    await (await db()).put('work', {username: state.session.username, work: state.work,
                                    fetchedAt: state.fetchedAt}, 'current');
    render();
  }
  function expired() {
    state.session = {...state.session, token: null};
    state.lastError = '登录已过期，请重新登录（未发送的记录仍保存在手机上）';
    location.hash = '#login';
    render();
  }

  // -- the outbox ----------------------------------------------------------------------------
  async function enqueue(item) {
    await putItem({...item, key: newKey(), username: state.session.username,
                   created: new Date().toISOString(), state: 'waiting', message: ''});
    flush();
  }
  // A send the network or the server could not take is tried again by itself, less often
  // each time (5 s, 10 s, … at most a minute), as well as when 'online' fires or on 重新发送.
  const RETRY_FIRST = 5000;
  const RETRY_MOST = 60000;
  let retryTimer = null;
  let retryDelay = RETRY_FIRST;
  function retryLater() {
    clearTimeout(retryTimer);
    retryTimer = setTimeout(() => { retryTimer = null; flush(); }, retryDelay);
    retryDelay = Math.min(retryDelay * 2, RETRY_MOST);
  }

  async function flush() {
    if (!state.session || !state.session.token) return;
    // Without network nothing is tried: the records wait, and go when 'online' fires.
    if (!navigator.onLine) return;
    if (state.sending) { state.again = true; return; }
    state.sending = true;
    state.again = false;
    let sent = 0;
    let stopped = false;
    try {
      for (const item of state.outbox.filter((i) => i.state === 'waiting' &&
                                              i.username === state.session.username)) {
        let response;
        try {
          response = await call('POST', item.url, item.body, item.key);
        } catch (e) {
          stopped = true;
          break;  // no network: everything waits
        }
        if (response.ok) {
          await dropItem(item.key);
          sent += 1;
          toast(`已发送：${item.label}`);
        } else if (response.status === 401) {
          expired();
          stopped = true;
          break;
        } else if (response.status >= 500 || [408, 425, 429].includes(response.status)) {
          stopped = true;
          break;  // the server cannot now: it waits and is sent again with the same key
        } else {
          const body = await response.json().catch(() => null);
          await putItem({...item, state: 'refused', message: detailOf(body, response.status)});
          toast(`未被接受：${item.label}`);
        }
      }
    } finally {
      state.sending = false;
      showBands();
      render();
    }
    if (stopped && navigator.onLine && state.session && state.session.token) retryLater();
    else if (!stopped) retryDelay = RETRY_FIRST;
    if (sent) loadWork();
    if (state.again && !stopped) flush();
  }

  // -- the bands: network, what waits --------------------------------------------------------
  function showBands() {
    document.getElementById('network').hidden = navigator.onLine;
    const mine = state.outbox.filter((i) => state.session && i.username === state.session.username);
    const waiting = mine.filter((i) => i.state === 'waiting').length;
    const refused = mine.length - waiting;
    const parts = [];
    if (waiting) parts.push(`待发送 ${waiting} 条`);
    if (refused) parts.push(`未被接受 ${refused} 条`);
    document.getElementById('pending').hidden = !mine.length || !state.session;
    document.getElementById('pending-text').textContent = parts.join('，');
    document.getElementById('retry').hidden = !waiting;
    document.getElementById('outbox-count').textContent = mine.length ? ` ${mine.length}` : '';
    const reminders = (state.work && state.work.reminders.length) || 0;
    document.getElementById('reminder-count').textContent = reminders ? ` ${reminders}` : '';
  }

  // -- screens -------------------------------------------------------------------------------
  function render() {
    const view = document.getElementById('view');
    const [screen, id, key] = (location.hash.slice(1) || 'children').split('/');
    const signedIn = Boolean(state.session && state.session.token);
    document.getElementById('tabs').hidden = !signedIn;
    document.getElementById('who').textContent = signedIn && state.work ?
      `${state.work.role_title} ${state.work.username}` : '';
    for (const tab of document.querySelectorAll('#tabs a')) {
      tab.classList.toggle('here', tab.dataset.tab === screen);
    }
    showBands();
    if (!signedIn) { view.replaceChildren(loginScreen()); return; }
    if (state.notField) {
      document.getElementById('tabs').hidden = true;
      view.replaceChildren(staffScreen());
      return;
    }
    if (!state.work) {
      view.replaceChildren(h('p', {class: 'empty'}, state.lastError ||
        (navigator.onLine ? '正在读取…' : '离线，且手机上还没有保存的资料：请联网后打开')));
      return;
    }
    const screens = {children: childrenScreen, contact: contactScreen, concern: concernScreen,
                     outbox: outboxScreen, reminders: remindersScreen, account: accountScreen};
    view.replaceChildren((screens[screen] || childrenScreen)(id, key));
    window.scrollTo(0, 0);
  }

  function loginScreen() {
    const error = h('p', {class: 'error', role: 'alert', text: state.lastError});
    const form = h('form', {id: 'login', class: 'card', async onsubmit(event) {
      event.preventDefault();
      const button = form.querySelector('button');
      button.disabled = true;
      const problem = await logIn(form.username.value.trim(), form.password.value);
      button.disabled = false;
      if (problem) { error.textContent = problem; return; }
      state.lastError = '';
      location.hash = '#children';
      render();
      await loadWork();
      flush();
    }},
      h('h2', {text: '登录'}),
      h('p', {class: 'note', text: '爱心妈妈和老师用自己的账号登录。'}),
      h('label', {}, '用户名', h('input', {name: 'username', autocomplete: 'username', required: true,
        autocapitalize: 'none', value: (state.session && state.session.username) || ''})),
      h('label', {}, '密码', h('input', {name: 'password', type: 'password', required: true,
        autocomplete: 'current-password'})),
      error,
      h('button', {type: 'submit', class: 'primary'}, '登录'));
    return form;
  }

  function staffScreen() {
    // An account that is neither a caring mother's nor a teacher's has no field work here.
    return h('section', {id: 'not-field', class: 'card'},
      h('h2', {text: '请使用管理后台'}),
      h('p', {text: '本应用供爱心妈妈和学校老师记录联系、报告情况使用。' +
                    '妇联工作人员、管理员和督导请在管理后台办理工作。'}),
      h('div', {class: 'actions'},
        h('a', {class: 'button primary', href: '/console'}, '前往管理后台'),
        h('button', {type: 'button', class: 'danger', onclick: logOut}, '退出登录')));
  }

  function childrenScreen() {
    const work = state.work;
    const list = h('section', {id: 'children'},
      h('h2', {}, work.role === 'school' ? '本校留守儿童' : '我的结对儿童'));
    if (state.fetchedAt && !navigator.onLine) {
      list.append(h('p', {class: 'note', text: `离线显示，资料更新于 ${when(state.fetchedAt)}`}));
    }
    if (!work.children.length) list.append(h('p', {class: 'empty', text: '暂无儿童'}));
    for (const child of work.children) list.append(childCard(child));
    if (work.truncated) list.append(h('p', {class: 'note', text: '仅显示前 200 名儿童'}));
    return list;
  }

  function childCard(child) {
    const open = child.duties.filter((d) => d.status !== 'met');
    const met = child.duties.length - open.length;
    const guardian = child.guardian;
    return h('article', {class: 'child', 'data-child': child.id},
      h('h3', {}, child.name, h('small', {}, ` ${SEX[child.sex] || ''} ${child.age}岁`)),
      h('p', {class: 'meta'}, `${child.school} ${child.class_name}`),
      child.categories.length ? h('p', {class: 'tags'},
        child.categories.map((c) => h('span', {class: 'tag', text: c.title}))) : null,
      guardian ? h('p', {class: 'meta'}, `监护人：${guardian.name}（${guardian.relation}）`,
        guardian.phone ? h('a', {class: 'tel', href: `tel:${guardian.phone}`, text: guardian.phone}) : null) : null,
      h('ul', {class: 'duties'}, open.map((d) => h('li', {class: d.status},
        h('b', {}, `${DUTY_STATE[d.status]} · ${d.title}`),
        h('span', {class: 'period', text: d.period.title || d.period.label}),
        h('p', {text: d.reason})))),
      h('p', {class: open.length ? 'met' : 'met all'},
        open.length ? `本期已完成 ${met} 项` : `本期各项均已完成（${met} 项）`),
      h('div', {class: 'actions'},
        h('a', {class: 'button primary', href: `#contact/${child.id}`}, '记录联系'),
        h('a', {class: 'button', href: `#concern/${child.id}`}, '情况报告')));
  }

  function field(label, control, hint) {
    return h('label', {}, label, control, hint ? h('small', {text: hint}) : null);
  }

  function contactScreen(childId, editKey) {
    const work = state.work;
    const child = childById(childId);
    if (!child) return h('p', {class: 'empty', text: '没有这个儿童'});
    const editing = state.outbox.find((i) => i.key === editKey);
    const before = editing ? editing.body : {};
    const pairing = work.records_on === 'pairing' ?
      work.pairings.find((p) => p.id === (editing ? editing.pairingId : child.pairing_ids[0])) : null;
    const kinds = h('select', {name: 'kind', required: true},
      work.contact_kinds.map((k) => h('option', {value: k.code, selected: k.code === before.kind}, k.title)));
    const day = today();
    const date = h('input', {name: 'occurred_on', type: 'date', required: true, max: day,
                             value: before.occurred_on || day});
    const siblings = pairing && pairing.child_ids.length > 1 ? h('fieldset', {class: 'who'},
      h('legend', {text: '涉及的儿童'}),
      pairing.child_ids.map((id) => h('label', {class: 'check'}, h('input', {
        type: 'checkbox', name: 'child_ids', value: id,
        checked: before.child_ids ? before.child_ids.includes(id) : id === child.id}),
        (childById(id) || {name: id}).name))) : null;
    const form = h('form', {id: 'contact', class: 'card', async onsubmit(event) {
      event.preventDefault();
      if (state.saving) return;
      const body = {kind: form.kind.value, occurred_on: form.occurred_on.value,
                    notes: form.notes.value, items: Number(form.items.value || 0)};
      if (pairing) {
        const named = [...form.querySelectorAll('input[name=child_ids]:checked')].map((c) => c.value);
        body.child_ids = siblings ? named : [child.id];
        if (!body.child_ids.length) { toast('请至少选择一名儿童'); return; }
      }
      state.saving = true;
      form.querySelector('button[type=submit]').disabled = true;
      try {
        if (editing) await dropItem(editing.key);
        const names = pairing ? body.child_ids.map((id) => (childById(id) || {name: ''}).name).join('、') : child.name;
        await enqueue({type: 'contact', childId: child.id, pairingId: pairing && pairing.id, body,
          url: pairing ? `/pairings/${pairing.id}/contacts` : `/children/${child.id}/contacts`,
          label: `${title(work.contact_kinds, body.kind)} · ${names} · ${body.occurred_on}`});
        toast(navigator.onLine ? '已保存，正在发送…' : '已保存在手机上，联网后发送');
        location.hash = '#children';
      } finally {
        state.saving = false;
      }
    }},
      h('h2', {}, `记录联系：${child.name}`),
      editing && editing.message ? h('p', {class: 'error', text: editing.message}) : null,
      field('方式', kinds),
      field('日期', date, '默认今天；可补记以前的，不能是以后的日期'),
      siblings,
      field('情况记录', h('textarea', {name: 'notes', rows: 4, maxlength: 4000,
        placeholder: '了解到的学习、生活、心理情况'}, before.notes || '')),
      field('赠送物品（件）', h('input', {name: 'items', type: 'number', min: 0, max: 100000,
        inputmode: 'numeric', value: String(before.items || 0)})),
      h('div', {class: 'actions'},
        h('button', {type: 'submit', class: 'primary'}, '保存'),
        h('a', {class: 'button', href: '#children'}, '取消')));
    return form;
  }

  function concernScreen(childId, editKey) {
    const work = state.work;
    const child = childById(childId);
    if (!child) return h('p', {class: 'empty', text: '没有这个儿童'});
    const editing = state.outbox.find((i) => i.key === editKey);
    const before = editing ? editing.body : {};
    const day = today();
    const form = h('form', {id: 'concern', class: 'card', async onsubmit(event) {
      event.preventDefault();
      if (state.saving) return;
      state.saving = true;
      form.querySelector('button[type=submit]').disabled = true;
      try {
        const body = {kind: form.kind.value, description: form.description.value,
                      occurred_on: form.occurred_on.value};
        if (editing) await dropItem(editing.key);
        await enqueue({type: 'concern', childId: child.id, body,
          url: `/children/${child.id}/concerns`,
          label: `情况报告 · ${title(work.concern_kinds, body.kind)} · ${child.name}`});
        toast(navigator.onLine ? '已保存，正在发送…' : '已保存在手机上，联网后发送');
        location.hash = '#children';
      } finally {
        state.saving = false;
      }
    }},
      h('h2', {}, `情况报告：${child.name}`),
      h('p', {class: 'note', text: '发现缺课、受伤、生病、监护缺失等情况，请立即报告。'}),
      editing && editing.message ? h('p', {class: 'error', text: editing.message}) : null,
      field('情况', h('select', {name: 'kind', required: true}, work.concern_kinds.map(
        (k) => h('option', {value: k.code, selected: k.code === before.kind}, k.title)))),
      field('发生日期', h('input', {name: 'occurred_on', type: 'date', required: true, max: day,
                                    value: before.occurred_on || day})),
      field('具体情况', h('textarea', {name: 'description', rows: 5, required: true,
        maxlength: 4000, placeholder: '什么时候、发生了什么、现在怎样'}, before.description || '')),
      h('div', {class: 'actions'},
        h('button', {type: 'submit', class: 'primary'}, '报告'),
        h('a', {class: 'button', href: '#children'}, '取消')));
    return form;
  }

  function outboxScreen() {
    const mine = state.outbox.filter((i) => i.username === state.session.username);
    const section = h('section', {id: 'outbox'}, h('h2', {text: '待发送的记录'}));
    if (!mine.length) section.append(h('p', {class: 'empty', text: '没有待发送的记录'}));
    for (const item of mine) {
      section.append(h('article', {class: `item ${item.state}`, 'data-key': item.key},
        h('b', {text: item.label}),
        h('p', {class: 'meta', text: item.state === 'waiting' ? '等待发送' : '未被接受'}),
        item.message ? h('p', {class: 'error', text: item.message}) : null,
        h('div', {class: 'actions'},
          // A waiting record may have reached the server already (its answer lost): changed,
          // it would be a new record, so only a refused one (never recorded) is changed.
          item.state === 'refused' ?
            h('a', {class: 'button', href: `#${item.type}/${item.childId}/${item.key}`}, '修改') : null,
          h('button', {type: 'button', class: 'danger', async onclick() {
            await dropItem(item.key); render();
          }}, '删除'))));
    }
    return section;
  }

  function remindersScreen() {
    const section = h('section', {id: 'reminders'}, h('h2', {text: '我的提醒'}));
    const reminders = state.work.reminders;
    if (!reminders.length) section.append(h('p', {class: 'empty', text: '没有未办的提醒'}));
    for (const r of reminders) {
      const child = childById(r.child_id);
      section.append(h('article', {class: `item ${r.status}`},
        h('b', {}, `${DUTY_STATE[r.status]} · ${r.duty_title}`),
        h('p', {class: 'meta', text: `${child ? child.name : ''} ${r.period_title || r.period}（${r.issued_on} 提醒）`}),
        h('p', {text: r.reason}),
        child ? h('a', {class: 'button primary', href: `#contact/${child.id}`}, '记录联系') : null));
    }
    return section;
  }

  function accountScreen() {
    const mine = state.outbox.filter((i) => i.username === state.session.username);
    const warn = h('p', {class: 'error', hidden: true});
    const out = h('button', {id: 'logout', type: 'button', class: 'danger', async onclick() {
      if (mine.length && warn.hidden) {
        warn.hidden = false;
        warn.textContent = `还有 ${mine.length} 条记录没有发送，退出会把它们从手机上删除。再点一次确认退出。`;
        return;
      }
      await logOut();
    }}, '退出登录');
    return h('section', {id: 'account', class: 'card'},
      h('h2', {text: '我的'}),
      h('p', {}, `${state.work.role_title}：${state.work.username}`),
      state.work.school ? h('p', {class: 'meta', text: state.work.school}) : null,
      h('p', {class: 'note', text: '退出登录会删除手机上保存的儿童资料和未发送的记录。'}),
      warn, out);
  }

  async function forgetEverything() {
    const d = await db();
    await Promise.all(['session', 'work', 'outbox'].map((store) => d.clear(store)));
    // API answers are never kept in Cache Storage; any cache other than the app's own files goes.
    if (window.caches) {
      for (const name of await caches.keys()) {
        if (!name.startsWith('aixin-app-precache')) await caches.delete(name);
      }
    }
    state.work = null; state.fetchedAt = null; state.outbox = []; state.notField = false;
  }
  async function logOut() {
    await forgetEverything();
    state.session = null;
    state.lastError = '';
    location.hash = '#login';
    render();
  }

  // -- start ---------------------------------------------------------------------------------
  async function start() {
    if ('serviceWorker' in navigator) {
      navigator.serviceWorker.register('/app/sw.js', {scope: '/app/'}).catch(() => {});
    }
    await loadStored();
    window.addEventListener('hashchange', render);
    window.addEventListener('online', () => { showBands(); render(); flush(); loadWork(); });
    window.addEventListener('offline', () => { showBands(); render(); });
    document.getElementById('retry').addEventListener('click', () => {
      if (!navigator.onLine) toast('手机没有网络，联网后会自动发送');
      flush();
    });
    render();
    if (state.session && state.session.token) {
      await loadWork();
      flush();
    }
  }
  start();
})();
