.PHONY: venv demo hub test bench screenshots package

venv:
	bash scripts/bootstrap.sh

demo: venv
	.venv/bin/duty-console demo

hub: venv
	.venv/bin/duty-console hub

test: venv
	QT_QPA_PLATFORM=offscreen .venv/bin/python -m pytest -q

bench: venv
	.venv/bin/python -m bench

screenshots: venv
	.venv/bin/python -m console.ui.screenshots

package: venv
	.venv/bin/pip install -e '.[package]' && .venv/bin/pyinstaller --noconfirm packaging/duty-console.spec

.PHONY: translations
translations: venv
	.venv/bin/pyside6-lupdate $$(find console/ui -name '*.py' | sort) -ts resources/i18n/console_zh_CN.ts -no-obsolete && .venv/bin/python resources/i18n/fill_zh_CN.py && .venv/bin/pyside6-lrelease resources/i18n/console_zh_CN.ts -qm resources/i18n/console_zh_CN.qm
