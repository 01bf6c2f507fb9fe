"""The shipped block library: validation rules and rendering with or without an outlet."""

from datetime import date, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.template import Context, Template
from django.test import override_settings
from django.utils import translation
from wagtail.blocks import StructBlockValidationError
from wagtail.blocks.base import BlockWidget
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.rich_text import RichText

from tests.inheritance.editing import (
    edit_url,
    form_data,
    local_zone_rich_text,
    spring_page,
)
from wagtail_distmark.blocks.base import is_distributable
from wagtail_distmark.blocks.library import (
    CallToActionBlock,
    CallToActionContent,
    EventBlock,
    EventContent,
    GalleryBlock,
    GalleryContent,
    HeroBlock,
    ImageContent,
    LinkBlock,
    ManagerSignatureBlock,
    OpeningHoursBlock,
    OpeningHoursExceptionBlock,
    OutletInfoBlock,
    PromotionBlock,
    SafeRichTextBlock,
    default_local_blocks,
    default_template_blocks,
)
from wagtail_distmark.blocks.registry import clear_caches, template_stream_block
from wagtail_distmark.inheritance import demo as spring
from wagtail_distmark.inheritance.models import LocalPage
from wagtail_distmark.outlets.models import OpeningHours, Outlet, Region


def clean(block, raw):
    return block.clean(block.to_python(raw))


def render(block, raw, outlet=None):
    return block.render(block.to_python(raw), context={"outlet": outlet})


def block_errors(excinfo):
    """``{child name: [messages]}`` of a StructBlockValidationError."""
    return {
        name: list(error.messages) for name, error in excinfo.value.block_errors.items()
    }


def lille(**fields):
    """An unsaved outlet with a lunch break on Monday and Tuesday to Saturday."""
    hours = [
        OpeningHours(weekday=0, opens=time(9, 30), closes=time(12, 30)),
        OpeningHours(weekday=0, opens=time(14), closes=time(19)),
        *(
            OpeningHours(weekday=day, opens=time(9, 30), closes=time(19))
            for day in range(1, 6)
        ),
    ]
    profile = {
        "name": "Lille Centre",
        "address": "12 rue Esquermoise",
        "postcode": "59000",
        "city": "Lille",
        "country": "FR",
        "phone": "+33 3 20 00 00 01",
        "manager_name": "Claire Lefebvre",
        "manager_signature": "Claire Lefebvre, directrice du magasin",
        "timezone": "Europe/Paris",
        **fields,
    }
    return Outlet(**profile, opening_hours=hours)


@pytest.fixture
def image(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return get_image_model().objects.create(
        title="Shop front", file=get_test_image_file()
    )


# The lists handed to the registry -------------------------------------------


def test_template_blocks_are_distributable_and_local_blocks_plain():
    template = dict(default_template_blocks())
    local = dict(default_local_blocks())
    assert list(template) == [
        "hero",
        "rich_text",
        "promotion",
        "call_to_action",
        "gallery",
        "event",
        "outlet_info",
        "opening_hours",
        "manager_signature",
    ]
    assert all(is_distributable(block) for block in template.values())
    assert list(local) == ["rich_text", "image", "call_to_action", "gallery", "event"]
    assert not any(is_distributable(block) for block in local.values())
    assert isinstance(local["rich_text"], SafeRichTextBlock)
    assert isinstance(template["rich_text"].child_blocks["content"], SafeRichTextBlock)


@pytest.mark.parametrize(
    ("distributable_class", "content_class"),
    [
        (EventBlock, EventContent),
        (GalleryBlock, GalleryContent),
        (CallToActionBlock, CallToActionContent),
    ],
)
def test_distributable_variants_reuse_the_content_fields_and_meta(
    distributable_class, content_class
):
    block, content = distributable_class(), content_class()
    assert block.content_names == tuple(content.child_blocks)
    assert list(block.child_blocks)[-2:] == ["local_policy", "open_fields"]
    assert block.meta.template == content.meta.template
    assert block.meta.label == content.meta.label


def test_every_template_block_can_be_packed_for_the_editor():
    clear_caches()
    widget = BlockWidget(template_stream_block())
    widget._build_block_json()  # raises on a definition telepath cannot pack
    for name in ("promotion", "opening_hours", "manager_signature", "local_zone"):
        assert f'"{name}"' in widget._block_json


def test_blocks_read_the_outlet_from_the_page_context_through_include_block():
    clear_caches()
    body = template_stream_block().to_python(
        [
            {"type": "outlet_info", "value": OUTLET_INFO},
            {"type": "manager_signature", "value": {"closing": "Bye,"}},
        ]
    )
    page_template = Template(
        "{% load wagtailcore_tags %}{% for block in body %}{% include_block block %}{% endfor %}"
    )
    html = page_template.render(Context({"body": body, "outlet": lille()}))
    assert "12 rue Esquermoise" in html
    assert "Claire Lefebvre, directrice du magasin" in html
    html = page_template.render(Context({"body": body, "outlet": None}))
    assert "[Outlet address]" in html
    assert "[Manager's photo and signature]" in html


# Rich text --------------------------------------------------------------------


def test_rich_text_is_sanitised_when_cleaned():
    block = SafeRichTextBlock()
    cleaned = block.clean(
        RichText('<p onclick="steal()">Hello <script>alert(1)</script><b>you</b></p>')
    )
    assert isinstance(cleaned, RichText)
    assert cleaned.source == "<p>Hello <b>you</b></p>"


def test_rich_text_that_was_only_a_script_counts_as_empty():
    with pytest.raises(ValidationError):
        SafeRichTextBlock(required=True).clean(RichText("<script>alert(1)</script>"))


@pytest.mark.parametrize(
    "link",
    [
        "//evil.example/",
        "/\\evil.example/",
        "https://evil.example\\@brand.example/",
        "\\\\evil.example",
        "/%5Cevil.example",
        "javascript:alert(1)",
        "data:text/html,x",
    ],
)
def test_rich_text_refuses_the_links_a_call_to_action_refuses_naming_them(link):
    with pytest.raises(ValidationError) as excinfo:
        SafeRichTextBlock().clean(RichText(f'<p>See <a href="{link}">this</a></p>'))
    with pytest.raises(ValidationError):
        LinkBlock().clean(link)
    assert excinfo.value.messages[0].startswith(f"Link “{link}”: ")


def test_rich_text_keeps_allowed_links_and_wagtail_links():
    source = (
        '<p><a href="https://brand.example/offer">offer</a> '
        '<a href="/contact">contact</a> <a linktype="page" id="3">store</a></p>'
    )
    assert SafeRichTextBlock().clean(RichText(source)).source == source


@override_settings(WAGTAIL_DISTMARK={"ALLOWED_LINK_DOMAINS": ["brand.example"]})
def test_rich_text_links_follow_the_allowed_domains():
    with pytest.raises(ValidationError) as excinfo:
        SafeRichTextBlock().clean(
            RichText('<p><a href="https://cheap.example/deal">deal</a></p>')
        )
    assert "“cheap.example”" in excinfo.value.messages[0]


def zone_messages(response):
    """The messages shown under the local zone's blocks."""
    [error] = response.context["form"].errors.as_data()["overrides"]
    stream_error = error.slot_errors[(spring.LOCAL_ZONE_ID, "blocks")]
    return [
        message
        for block_error in stream_error.block_errors.values()
        for message in block_error.messages
    ]


def saved_zone(page):
    revision = LocalPage.objects.get(pk=page.pk).get_latest_revision_as_object()
    return revision.overrides.get(spring.LOCAL_ZONE_ID)


@pytest.mark.parametrize(
    "link",
    [
        "//evil.example/",
        "/\\evil.example/",
        "https://evil.example\\@brand.example/",
        "\\\\evil.example",
        "/%5Cevil.example",
    ],
)
def test_the_page_editor_refuses_an_off_site_rich_text_link_naming_it(
    login, demo, link
):
    page = spring_page(demo.lille)
    response = login("lille-editor").post(
        edit_url(page),
        form_data(
            page, **local_zone_rich_text(f'<p>Our offer <a href="{link}">here</a></p>')
        ),
    )
    assert response.status_code == 200
    [message] = zone_messages(response)
    assert message.startswith(f"Link “{link}”: ")
    # Shown under the block, in the editor.
    assert message.split(": ", 1)[1][:40] in response.content.decode()
    assert saved_zone(page) is None


def test_the_page_editor_applies_the_allowed_domains_to_rich_text(
    login, demo, settings
):
    settings.WAGTAIL_DISTMARK = {"ALLOWED_LINK_DOMAINS": ["brand.example"]}
    page = spring_page(demo.lille)
    client = login("lille-editor")
    response = client.post(
        edit_url(page),
        form_data(
            page,
            **local_zone_rich_text('<p><a href="https://cheap.example/">deal</a></p>'),
        ),
    )
    assert response.status_code == 200
    assert "“cheap.example”" in zone_messages(response)[0]

    response = client.post(
        edit_url(page),
        form_data(
            page,
            **local_zone_rich_text(
                '<p><a href="https://shop.brand.example/">shop</a></p>'
            ),
        ),
    )
    assert response.status_code == 302
    [block] = saved_zone(page)["values"]["blocks"]
    assert 'href="https://shop.brand.example/"' in block["value"]


def test_rich_text_template_block_renders_the_text_not_its_policy():
    block = dict(default_template_blocks())["rich_text"]
    html = render(block, {"content": "<p>Welcome</p>", "local_policy": "locked"})
    assert '<div class="dm-rich-text"><p>Welcome</p></div>' in html
    assert "locked" not in html


# Links ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "link",
    [
        "https://www.example.com/offer?summer=1",
        "http://example.com",
        "mailto:lille@distmark.example",
        "mailto:lille@distmark.example?subject=Hello",
        "tel:+33320000001",
        "/contact",
        "/offers/summer#terms",
    ],
)
def test_link_accepts_web_mail_phone_and_site_paths(link):
    assert LinkBlock().clean(link) == link


@pytest.mark.parametrize(
    "link",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "java\tscript:alert(1)",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "vbscript:msgbox(1)",
        "ftp://example.com/file",
        "//evil.example/phish",
        "/\\evil.example/phish",
        "/\t/evil.example/phish",
        "www.example.com",
        "https://evil.example\\@brand.example/",
        "\\\\evil.example",
        "/%5Cevil.example",
        "/%2F/evil.example",
        " //evil.example",
        "https:evil.example",
        "https:/evil.example",
        "https:///evil.example",
        "https://user:pass@brand.example/",
        " JaVa\nScRiPt:alert(1)",
        "mailto:not-an-address",
        "tel:call-me",
    ],
)
def test_link_refuses_other_schemes_and_ambiguous_forms(link):
    with pytest.raises(ValidationError):
        LinkBlock().clean(link)


def test_link_is_at_most_500_characters():
    LinkBlock().clean("https://example.com/" + "a" * 480)
    with pytest.raises(ValidationError):
        LinkBlock().clean("https://example.com/" + "a" * 481)


@override_settings(WAGTAIL_DISTMARK={"ALLOWED_LINK_DOMAINS": ["brand.example"]})
@pytest.mark.parametrize(
    "link",
    [
        "https://brand.example/offer",
        "https://shop.brand.example/",
        "https://BRAND.example:8443/x",
        "/contact",
        "mailto:hello@elsewhere.example",
    ],
)
def test_allowed_domains_accept_the_domain_its_subdomains_and_non_web_links(link):
    assert LinkBlock().clean(link) == link


@override_settings(WAGTAIL_DISTMARK={"ALLOWED_LINK_DOMAINS": ["brand.example"]})
@pytest.mark.parametrize(
    ("link", "host"),
    [
        ("https://competitor.example/", "competitor.example"),
        ("https://evilbrand.example/", "evilbrand.example"),
        ("https://brand.example.evil.example/", "brand.example.evil.example"),
        ("https://brand.example@evil.example/", "evil.example"),
        # A look-alike with a Cyrillic "а", named as it really is.
        ("https://br\u0430nd.example/", "xn--brnd-63d.example"),
    ],
)
def test_allowed_domains_refuse_other_hosts_and_name_them(link, host):
    with pytest.raises(ValidationError) as excinfo:
        LinkBlock().clean(link)
    message = excinfo.value.messages[0]
    assert f"“{host}”" in message
    assert "brand.example" in message


# Promotion --------------------------------------------------------------------

PROMOTION = {
    "title": "Summer sale",
    "description": "On every bike.",
    "discount_percent": 15,
    "min_discount": 5,
    "max_discount": 20,
}


def test_promotion_within_bounds_is_clean():
    assert clean(PromotionBlock(), PROMOTION)["discount_percent"] == 15


def test_hq_cannot_set_reversed_bounds():
    with pytest.raises(StructBlockValidationError) as excinfo:
        clean(PromotionBlock(), {**PROMOTION, "min_discount": 30, "max_discount": 10})
    assert list(block_errors(excinfo)) == ["max_discount"]


def test_hq_discount_must_lie_within_its_own_bounds():
    with pytest.raises(StructBlockValidationError) as excinfo:
        clean(PromotionBlock(), {**PROMOTION, "discount_percent": 25})
    assert block_errors(excinfo) == {
        "discount_percent": [
            "The discount must be within the bounds set for outlets: 5 % to 20 %."
        ]
    }


@pytest.mark.parametrize("discount", [2, 35])
def test_outlet_discount_outside_hq_bounds_is_refused(discount):
    block = PromotionBlock()
    hq_value = {**PROMOTION, "min_discount": 10, "max_discount": 30}
    merged = block.to_python({**hq_value, "discount_percent": discount})
    with pytest.raises(StructBlockValidationError) as excinfo:
        block.clean_local(hq_value, merged)
    assert block_errors(excinfo) == {
        "discount_percent": ["HQ allows discounts from 10 % to 30 %."]
    }


def test_outlet_discount_is_checked_against_hq_bounds_not_its_own():
    block = PromotionBlock()
    hq_value = block.to_python(PROMOTION)
    # Bounds are HQ settings: a merged value claiming wider ones changes nothing.
    merged = block.to_python({**PROMOTION, "discount_percent": 40, "max_discount": 50})
    with pytest.raises(StructBlockValidationError) as excinfo:
        block.clean_local(hq_value, merged)
    assert block_errors(excinfo)["discount_percent"] == [
        "HQ allows discounts from 5 % to 20 %."
    ]
    merged = block.to_python({**PROMOTION, "discount_percent": 20})
    assert block.clean_local(hq_value, merged)["discount_percent"] == 20


def test_bounds_left_empty_fall_back_to_the_defaults():
    block = PromotionBlock()
    hq_raw = {"title": "Sale", "min_discount": None, "max_discount": None}
    merged = block.to_python({**hq_raw, "discount_percent": 21})
    with pytest.raises(StructBlockValidationError) as excinfo:
        block.clean_local(hq_raw, merged)
    assert block_errors(excinfo)["discount_percent"] == [
        "HQ allows discounts from 5 % to 20 %."
    ]


def test_promotion_renders_discount_image_and_end_date(image):
    raw = {**PROMOTION, "image": image.pk, "valid_until": "2030-07-31"}
    html = render(PromotionBlock(), raw)
    assert '<p class="dm-promotion__discount">15 % off</p>' in html
    assert ".fill-800x500." in html and 'alt="Shop front"' in html
    assert '<time datetime="2030-07-31">July 31, 2030</time>' in html


def test_promotion_bounds_are_hq_settings():
    block = PromotionBlock()
    assert "discount_percent" in block.local_field_names
    assert not {"min_discount", "max_discount"} & set(block.local_field_names)


# Hero -------------------------------------------------------------------------


def test_hero_button_needs_both_text_and_link():
    block = HeroBlock()
    with pytest.raises(StructBlockValidationError) as excinfo:
        clean(block, {"title": "Spring", "cta_label": "Shop now"})
    assert list(block_errors(excinfo)) == ["cta_link"]
    # Outlet fields are cleaned one by one, so clean_local checks the pair too.
    hq_value = {"title": "Spring", "cta_label": "Shop", "cta_link": "/shop"}
    merged = block.to_python({**hq_value, "cta_label": ""})
    with pytest.raises(StructBlockValidationError) as excinfo:
        block.clean_local(hq_value, merged)
    assert list(block_errors(excinfo)) == ["cta_label"]


def test_hero_renders_title_and_external_button_with_noopener():
    html = render(
        HeroBlock(),
        {
            "title": "Spring <sale>",
            "cta_label": "Shop now",
            "cta_link": "https://shop.example/spring",
        },
    )
    assert "Spring &lt;sale&gt;" in html
    assert (
        '<a class="dm-button dm-button--primary" href="https://shop.example/spring" rel="noopener">Shop now</a>'
        in html
    )


# Opening hours ----------------------------------------------------------------


def test_special_day_must_close_after_it_opens():
    block = OpeningHoursExceptionBlock()
    with pytest.raises(StructBlockValidationError) as excinfo:
        clean(block, {"date": "2030-12-24", "opens": "18:00", "closes": "10:00"})
    assert block_errors(excinfo) == {
        "closes": ["Closing time must be after opening time."]
    }


def test_special_day_needs_times_unless_closed():
    block = OpeningHoursExceptionBlock()
    with pytest.raises(StructBlockValidationError) as excinfo:
        clean(block, {"date": "2030-12-24", "closes": "16:00"})
    assert list(block_errors(excinfo)) == ["opens"]
    closed = clean(block, {"date": "2030-12-25", "closed": True, "label": "Christmas"})
    assert closed["closed"] is True


def test_opening_hours_block_validates_each_special_day():
    raw = {"exceptions": [{"date": "2030-12-24", "opens": "12:00", "closes": "12:00"}]}
    with pytest.raises(StructBlockValidationError) as excinfo:
        clean(OpeningHoursBlock(), raw)
    assert list(excinfo.value.block_errors) == ["exceptions"]


def test_opening_hours_render_the_week_and_upcoming_special_days():
    today = date.today()
    raw = {
        "note": "Free parking <underground>",
        "exceptions": [
            {
                "date": str(today + timedelta(days=40)),
                "closed": True,
                "label": "Holiday",
            },
            {
                "date": str(today + timedelta(days=3)),
                "opens": "10:00",
                "closes": "22:00",
                "label": "Late opening",
            },
            {"date": str(today - timedelta(days=3)), "closed": True, "label": "Gone"},
        ],
    }
    html = render(OpeningHoursBlock(), raw, outlet=lille())
    assert '<th scope="row">Monday</th>' in html
    assert (
        '<time datetime="09:30">9:30 a.m.</time>–<time datetime="12:30">12:30 p.m.</time>, <time datetime="14:00">2 p.m.</time>'
        in html
    )
    assert '<th scope="row">Sunday</th>\n        <td>Closed</td>' in html
    # Upcoming special days in date order; past ones are not shown.
    assert html.index("Late opening") < html.index("Holiday")
    assert "Gone" not in html
    assert "Free parking &lt;underground&gt;" in html
    assert "[Outlet opening hours]" not in html


def test_opening_hours_speak_the_page_language():
    with translation.override("fr"):
        html = render(OpeningHoursBlock(), {}, outlet=lille())
    # Django's own weekday names, translated whatever our catalogues hold.
    assert '<th scope="row">Lundi</th>' in html


def test_opening_hours_without_outlet_show_a_placeholder_and_special_days():
    day = date.today() + timedelta(days=5)
    raw = {"exceptions": [{"date": str(day), "closed": True, "label": "Inventory"}]}
    html = render(OpeningHoursBlock(), raw, outlet=None)
    assert "[Outlet opening hours]" in html
    assert "Inventory" in html
    assert "<table" not in html


# Outlet details ---------------------------------------------------------------

OUTLET_INFO = {
    "heading": "Visit us",
    "show_address": True,
    "show_phone": True,
    "show_hours": True,
    "show_map_link": True,
}


def test_outlet_info_renders_the_profile():
    html = render(OutletInfoBlock(), OUTLET_INFO, outlet=lille())
    assert "12 rue Esquermoise<br>59000 Lille" in html
    assert (
        '<a class="dm-outlet-info__phone" href="tel:+33320000001">+33 3 20 00 00 01</a>'
        in html
    )
    assert (
        'href="https://www.openstreetmap.org/search?query='
        '12+rue+Esquermoise%2C+59000+Lille%2C+FR" rel="noopener"'
    ) in html
    assert '<th scope="row">Saturday</th>' in html
    assert "[Outlet address]" not in html


def test_outlet_info_escapes_profile_fields():
    outlet = lille(
        address='<script>alert("x")</script> & Co', phone="<b>01</b>", city="Li&lle"
    )
    html = render(OutletInfoBlock(), OUTLET_INFO, outlet=outlet)
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co" in html
    assert "&lt;b&gt;01&lt;/b&gt;" in html
    # In the map link the address is URL-encoded, not just escaped.
    assert "query=%3Cscript%3Ealert%28%22x%22%29%3C%2Fscript%3E+%26+Co" in html


def test_outlet_info_shows_only_what_hq_chose():
    raw = {
        **OUTLET_INFO,
        "show_phone": False,
        "show_map_link": False,
        "show_hours": False,
    }
    html = render(OutletInfoBlock(), raw, outlet=lille())
    assert "59000 Lille" in html
    assert "+33 3 20" not in html
    assert "openstreetmap" not in html
    assert "<table" not in html


def test_outlet_info_without_outlet_shows_placeholders():
    html = render(OutletInfoBlock(), OUTLET_INFO, outlet=None)
    assert "Visit us" in html
    for placeholder in ("[Outlet address]", "[Outlet phone]", "[Outlet opening hours]"):
        assert placeholder in html
    assert "openstreetmap" not in html


def test_outlet_info_renders_a_saved_outlet_and_its_stored_hours(db):
    region = Region.add_root(name="Network", slug="network")
    outlet = lille(region=region, slug="lille")
    outlet.save()  # saves the opening hours too
    outlet = Outlet.objects.prefetch_related("opening_hours").get(pk=outlet.pk)
    html = render(OutletInfoBlock(), OUTLET_INFO, outlet=outlet)
    assert "12 rue Esquermoise<br>59000 Lille" in html
    assert '<th scope="row">Friday</th>\n        <td><time datetime="09:30">' in html


# Manager's signature ------------------------------------------------------------


def test_signature_uses_the_profile_signature_then_the_manager_name():
    block = ManagerSignatureBlock()
    html = render(block, {}, outlet=lille())
    assert "See you soon," in html
    assert "Claire Lefebvre, directrice du magasin" in html
    html = render(block, {"closing": "À bientôt,"}, outlet=lille(manager_signature=""))
    assert "À bientôt," in html and "See you soon," not in html
    assert '<p class="dm-signature__name">Claire Lefebvre</p>' in html


def test_signature_escapes_the_profile_and_shows_a_placeholder_without_outlet():
    block = ManagerSignatureBlock()
    html = render(block, {}, outlet=lille(manager_signature="<i>Claire</i>"))
    assert "&lt;i&gt;Claire&lt;/i&gt;" in html
    html = render(block, {}, outlet=None)
    assert "[Manager's photo and signature]" in html


def test_signature_shows_the_manager_photo(image):
    outlet = lille(manager_photo=image)
    html = render(ManagerSignatureBlock(), {}, outlet=outlet)
    assert 'alt="Claire Lefebvre"' in html
    assert ".fill-96x96." in html
    assert 'class="dm-signature__photo"' in html


# Call to action, gallery, event -----------------------------------------------


@pytest.mark.parametrize("block_class", [CallToActionBlock, CallToActionContent])
def test_call_to_action_marks_only_external_links_noopener(block_class):
    block = block_class()
    external = render(
        block,
        {
            "label": "Book <now>",
            "link": "https://booking.example/",
            "style": "secondary",
        },
    )
    assert (
        '<a class="dm-button dm-button--secondary" href="https://booking.example/" '
        'rel="noopener">Book &lt;now&gt;</a>'
    ) in external
    internal = render(block, {"label": "Contact", "link": "/contact"})
    assert 'href="/contact">Contact</a>' in internal
    assert "noopener" not in internal


def test_gallery_takes_one_to_twelve_images(image):
    item = {"image": image.pk, "caption": ""}
    assert len(clean(GalleryContent(), {"images": [item] * 12})["images"]) == 12
    for count in (0, 13):
        with pytest.raises(StructBlockValidationError) as excinfo:
            clean(GalleryBlock(), {"images": [item] * count})
        assert list(excinfo.value.block_errors) == ["images"]


def test_gallery_alt_text_is_the_caption_or_the_image_title(image):
    raw = {
        "heading": "Our shop",
        "images": [
            {"image": image.pk, "caption": "The <new> window"},
            {"image": image.pk, "caption": ""},
        ],
    }
    html = render(GalleryContent(), raw)
    assert 'alt="The &lt;new&gt; window"' in html
    assert "<figcaption>The &lt;new&gt; window</figcaption>" in html
    assert 'alt="Shop front"' in html
    assert html.count("<img") == 2


def test_local_image_alt_text_is_the_caption_or_the_image_title(image):
    html = render(ImageContent(), {"image": image.pk, "caption": "Our <team>"})
    assert 'alt="Our &lt;team&gt;"' in html
    assert "<figcaption>Our &lt;team&gt;</figcaption>" in html
    html = render(ImageContent(), {"image": image.pk, "caption": ""})
    assert 'alt="Shop front"' in html and "figcaption" not in html


def test_event_renders_a_machine_readable_date():
    raw = {
        "title": "Night ride",
        "date": "2030-06-21",
        "time": "21:30",
        "description": "Bring a <light>\nand a friend",
    }
    html = render(EventBlock(), raw)
    assert '<time datetime="2030-06-21T21:30">June 21, 2030, 9:30 p.m.</time>' in html
    assert "Bring a &lt;light&gt;<br>and a friend" in html
