/* cors_policy.c - one configuration level's policy, and how levels merge from server to .htaccess. */
#include <apr_strings.h>

#include "cors_internal.h"

cors_policy *cors_policy_make(apr_pool_t *p)
{
    cors_policy *pol = apr_pcalloc(p, sizeof(*pol));

    pol->enable = CORS_UNSET;
    pol->credentials = CORS_UNSET;
    pol->max_age = CORS_UNSET;
    pol->preflight_status = CORS_UNSET;
    pol->private_network = CORS_UNSET;
    pol->debug = CORS_UNSET;
    return pol;
}

#define MERGE_INT(field) (add->field != CORS_UNSET ? add->field : base->field)

/* A level that says nothing: most sections of a site, and the server's defaults. */
static int says_nothing(const cors_policy *pol)
{
    return pol->enable == CORS_UNSET && !pol->origins && !pol->methods && !pol->headers
           && !pol->expose && pol->credentials == CORS_UNSET && pol->max_age == CORS_UNSET
           && pol->preflight_status == CORS_UNSET && pol->private_network == CORS_UNSET
           && pol->debug == CORS_UNSET;
}

/* Runs for every request whose configuration spans sections or .htaccess files, so it only
 * picks pointers; origin edits are layered, not copied (see cors_set_merge).  A level that
 * says nothing is merged by handing back the other one (policies are never written after
 * start-up), unless that one holds a contradiction its own conflict flag does not record. */
cors_policy *cors_policy_merge(apr_pool_t *p, const cors_policy *base, const cors_policy *add)
{
    cors_policy *pol;

    if (says_nothing(add) && (base->conflict || !cors_policy_conflict(base))) {
        return (cors_policy *)base;
    }
    if (says_nothing(base) && (add->conflict || !cors_policy_conflict(add))) {
        return (cors_policy *)add;
    }
    pol = apr_palloc(p, sizeof(*pol));

    pol->enable = MERGE_INT(enable);
    pol->origins = (cors_set *)cors_set_merge(p, base->origins, add->origins);
    pol->methods = (cors_set *)cors_set_merge(p, base->methods, add->methods);
    pol->headers = (cors_set *)cors_set_merge(p, base->headers, add->headers);
    pol->expose = (cors_set *)cors_set_merge(p, base->expose, add->expose);
    pol->credentials = MERGE_INT(credentials);
    pol->max_age = MERGE_INT(max_age);
    pol->max_age_value = add->max_age != CORS_UNSET ? add->max_age_value : base->max_age_value;
    pol->preflight_status = MERGE_INT(preflight_status);
    pol->private_network = MERGE_INT(private_network);
    pol->debug = MERGE_INT(debug);
    pol->conflict = cors_policy_conflict(pol) != NULL;
    return pol;
}

const char *cors_policy_conflict(const cors_policy *pol)
{
    if (pol->credentials != 1) {
        return NULL;
    }
    if (pol->origins && cors_set_has_any(pol->origins)) {
        return "CORSAllowOrigin * cannot be combined with CORSAllowCredentials On: browsers "
               "refuse a wildcard origin with credentials; list the origins instead";
    }
    if (pol->expose && cors_set_has_any(pol->expose)) {
        return "CORSExposeHeaders * cannot be combined with CORSAllowCredentials On: with "
               "credentials browsers read '*' as a header name; list the headers instead";
    }
    return NULL;
}

int cors_policy_enabled(const cors_policy *pol)
{
    return pol->enable == 1;
}
