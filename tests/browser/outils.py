"""Helpers of the browser tests: logging in without the form, phone measures."""

from django.conf import settings
from django.test import Client

# WCAG 2.5.5 (AAA, required here for the family pages on phones): 44 × 44 CSS pixels.
CIBLE_MIN = 44

# Measures every visible control; returns those smaller than 44 × 44 px that no exception covers.
# Exceptions (WCAG 2.5.5): a link inside a sentence or a paragraph of text ("inline"); a native
# checkbox or radio whose label (the real target, DSFR draws the box on it) is big enough; the
# skip links, hidden until focused.
_PETITES_CIBLES = """
min => {
  const petites = [];
  const visible = el => {
    const r = el.getBoundingClientRect();
    const s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none';
  };
  const enLigne = el => {
    if (el.tagName !== 'A') return false;
    const bloc = el.closest('p, li, td, dd, .fr-callout__text, .fr-alert');
    if (!bloc) return false;
    // Text around the link in the same block: an inline link in a sentence.
    const texte = bloc.textContent.replace(el.textContent, '').trim();
    return texte.length > 0 && !el.classList.contains('fr-btn');
  };
  for (const el of document.querySelectorAll('a[href], button, input, select, textarea, summary')) {
    if (el.type === 'hidden' || el.closest('.fr-skiplinks') || el.closest('[hidden]')) continue;
    if (el.closest('.fr-modal:not(.fr-modal--opened)')) continue;
    let cible = el;
    const caseACocher = el.type === 'checkbox' || el.type === 'radio';
    if (caseACocher && el.labels && el.labels[0]) cible = el.labels[0];
    if (!visible(cible)) continue;
    const r = cible.getBoundingClientRect();
    if (r.width >= min - 0.5 && r.height >= min - 0.5) continue;
    if (enLigne(el)) continue;
    petites.push(`${el.outerHTML.slice(0, 120)} (${Math.round(r.width)}×${Math.round(r.height)})`);
  }
  return petites;
}
"""


def connecter(page, user) -> None:
    """Put a logged-in session cookie in the browser (the login form has its own journey)."""
    if user is None:
        return
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": settings.SITE_URL,  # the live server's (set by the page fixtures)
            }
        ]
    )


def petites_cibles(page) -> list[str]:
    return page.evaluate(_PETITES_CIBLES, CIBLE_MIN)


def largeur_sans_defilement(page) -> tuple[int, int]:
    """The page's content width and the screen's. The layout viewport's width, not
    window.innerWidth: on a phone (is_mobile), innerWidth grows to the content's width when it
    overflows (the page is zoomed out to show it all), so it could never be exceeded."""
    return page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
