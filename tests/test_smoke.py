def test_sign_in_page_renders_with_nhs_layout(client):
    response = client.get("/sign-in")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "nhsuk-header" in html and "Skip to main content" in html


def test_world_builds(world, login_as):
    client = login_as(world.users["clinician"])
    assert client.get("/people/").status_code == 200
